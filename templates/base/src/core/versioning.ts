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

/** The allowed versions, oldest first: `v2` before `v10`. */
export function versionsInOrder(registry: VersionRegistry): string[] {
  return Object.keys(registry.versions).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/** What makes two routes the same endpoint: the method and the path, whatever its parameters are called. */
const endpointOf = (route: RouteDef) => `${route.method} ${route.path.replace(/:[^/]+/g, ':')}`;

/**
 * Every version's routes at their full paths. A version serves its own routes
 * and every route of the version before it that it does not redefine (the same
 * method and path), as DRF's URLPathVersioning serves every endpoint under every
 * allowed version: a client moves to a new version as a whole, and the registry
 * lists only what a version changes.
 */
export function mountVersions<Deps>(registry: VersionRegistry<Deps>, deps: Deps): MountedRoute[] {
  const mounted: MountedRoute[] = [];
  let previous: RouteDef[] = [];
  for (const version of versionsInOrder(registry)) {
    const own = registry.versions[version]!.flatMap((factory) => factory(deps));
    const redefined = new Set(own.map(endpointOf));
    const routes = [...own, ...previous.filter((route) => !redefined.has(endpointOf(route)))];
    mounted.push(...routes.map((route) => ({ route, version, path: `${API_PREFIX}/${version}${route.path}` })));
    previous = routes;
  }
  return mounted;
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
