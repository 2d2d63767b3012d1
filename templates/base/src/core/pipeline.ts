import { ApiError, NotAuthenticated } from './errors.js';
import type { Logger } from '../logger.js';
import type { CursorPage, OffsetPage } from './pagination.js';
import { HttpResult, type AuthUser, type MountedRoute, type RouteDef } from './routes.js';
import { compileSerializer } from './serializer.js';
import type { Throttler } from './throttle.js';
import { validate } from './validation.js';
import { deprecationHeaders, type VersionRegistry } from './versioning.js';

/** What an adapter hands over of a native request. */
export interface RawRequest {
  url: URL;
  headers: Record<string, string | undefined>;
  cookies: Record<string, string>;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** the client address, as the trusted-proxy setting resolved it */
  ip: string;
  requestId: string;
  log: Logger;
}

/** What an adapter writes back. `body` undefined means no body (204). */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: unknown;
}

/** Resolves the caller from a request's credentials; throws InvalidToken on a bad one. */
export type Authenticator = (request: Pick<RawRequest, 'headers' | 'cookies'>) => Promise<AuthUser | null>;

export interface PipelineDeps {
  throttler: Throttler | null;
  authenticate: Authenticator | null;
  registry: VersionRegistry;
  /** check responses against their read schemas too (development, tests); production only shapes them */
  validateResponses: boolean;
  /** turns errors the client caused below the API (a duplicate value in the database) into API errors */
  translateError: (error: unknown) => unknown;
}

/**
 * The same steps for every route on every framework: authenticate, throttle,
 * check access, validate, run the handler, shape the response with the read
 * schema. Adapters only translate requests in and responses out.
 */
export function createRouteHandler(mounted: MountedRoute, deps: PipelineDeps): (request: RawRequest) => Promise<RawResponse> {
  const { route, version } = mounted;
  const fixedHeaders = deprecationHeaders(deps.registry, version);
  const serialize = responseSerializer(route, deps.validateResponses);

  return async (request) => {
    // headers every answer of this route carries, errors included (a 429 keeps its RateLimit-*, a 404 its Sunset)
    const headers: Record<string, string | string[]> = { ...fixedHeaders };
    try {
      const user = deps.authenticate && route.authenticate !== false ? await deps.authenticate(request) : null;

      if (deps.throttler && route.throttle !== false) {
        const scope = route.throttle?.scope ?? (user ? 'user' : 'anon');
        // any scope counts a signed-in caller by user id, an anonymous one by address
        const ident = user ? `user:${user.id}` : `ip:${request.ip}`;
        Object.assign(headers, (await deps.throttler.check(scope, ident, route.throttle?.rate)).headers);
      }

      if (route.access === 'user' && !user) throw new NotAuthenticated();

      const context = {
        params: route.params ? validate(route.params, request.params) : request.params,
        query: route.query ? validate(route.query, request.query) : request.query,
        body: route.body ? validate(route.body, request.body ?? {}) : request.body,
        user,
        version,
        requestId: request.requestId,
        url: request.url,
        headers: request.headers,
        cookies: request.cookies,
        log: request.log,
      };
      const result = await route.handler(context);

      if (result instanceof HttpResult) {
        return { status: result.status, headers: { ...headers, ...result.headers }, body: serialize(result.body) };
      }
      const status = route.status ?? (route.responseShape === 'empty' ? 204 : 200);
      return { status, headers, body: route.responseShape === 'empty' ? undefined : serialize(result) };
    } catch (error) {
      const translated = deps.translateError(error);
      if (translated instanceof ApiError) throw translated.withHeaders(headers);
      throw translated;
    }
  };
}

/** Only what the read schema declares reaches the client: a stray column never leaks. */
function responseSerializer(route: RouteDef, validate: boolean): (body: unknown) => unknown {
  if (!route.response) return (body) => body;
  const one = compileSerializer(route.response, { validate });
  switch (route.responseShape) {
    case 'cursor-page':
      return (body) => {
        const page = body as CursorPage<unknown>;
        return { next: page.next, previous: page.previous, results: page.results.map(one) };
      };
    case 'offset-page':
      return (body) => {
        const page = body as OffsetPage<unknown>;
        return { count: page.count, next: page.next, previous: page.previous, results: page.results.map(one) };
      };
    default:
      return (body) => (body === undefined ? body : one(body));
  }
}
