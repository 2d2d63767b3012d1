import { InvalidVersion, MethodNotAllowed, NotFound, type ApiError } from './errors.js';
import type { MountedRoute, RouteDef } from './routes.js';

/** A released version that is on its way out (RFC 9745 Deprecation, RFC 8594 Sunset). */
export interface Deprecation {
  /** the date it was deprecated, YYYY-MM-DD */
  since: string;
  /** the date it stops being served, YYYY-MM-DD */
  sunset: string;
  /** the version clients should move to */
  successor: string;
}

/** Builds a resource's route definitions for one version from the app's dependencies (its database). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RouteFactory<Deps = any> = (deps: Deps) => RouteDef[];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface VersionRegistry<Deps = any> {
  /** every allowed version and the route factories it serves */
  versions: Record<string, RouteFactory<Deps>[]>;
  defaultVersion: string;
  deprecated: Record<string, Deprecation>;
}

export const API_PREFIX = '/api';

export function mountVersions<Deps>(registry: VersionRegistry<Deps>, deps: Deps): MountedRoute[] {
  return Object.entries(registry.versions).flatMap(([version, factories]) =>
    factories.flatMap((factory) => factory(deps)).map((route) => ({ route, version, path: `${API_PREFIX}/${version}${route.path}` })),
  );
}

/** The headers every response of a deprecated version carries. */
export function deprecationHeaders(registry: VersionRegistry, version: string | null): Record<string, string> {
  const deprecation = version ? registry.deprecated[version] : undefined;
  if (!deprecation) return {};
  const since = Math.floor(Date.parse(`${deprecation.since}T00:00:00Z`) / 1000);
  return {
    Deprecation: `@${since}`,
    Sunset: new Date(`${deprecation.sunset}T23:59:59Z`).toUTCString(),
    Link: `</docs#${deprecation.successor}>; rel="successor-version", </api/${deprecation.successor}/openapi.json>; rel="service-desc"`,
  };
}

/** `/api/v1/products/:id` -> a RegExp matching `/api/v1/products/42` (a trailing slash allowed). */
export function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * Builds the answer to a request no route matched: 405 when the path exists under
 * other methods, `Invalid version in URL path.` for an unknown `/api/vN/`, else 404.
 */
export function unmatchedRequestResolver(
  routes: { method: string; path: string }[],
  registry: VersionRegistry,
): (method: string, pathname: string) => ApiError {
  const patterns = routes.map((route) => ({ method: route.method, pattern: pathPattern(route.path) }));
  return (method, pathname) => unmatchedRequestError(method, pathname, patterns, registry);
}

function unmatchedRequestError(
  method: string,
  pathname: string,
  routes: { method: string; pattern: RegExp }[],
  registry: VersionRegistry,
): ApiError {
  const allowed = routes.filter((route) => route.pattern.test(pathname)).map((route) => route.method);
  if (allowed.length > 0) {
    if (allowed.includes('GET') && !allowed.includes('HEAD')) allowed.push('HEAD');
    return new MethodNotAllowed(method.toUpperCase(), allowed);
  }
  const version = /^\/api\/(v\d+)(\/|$)/.exec(pathname)?.[1];
  if (version && !(version in registry.versions)) return new InvalidVersion();
  return new NotFound();
}
