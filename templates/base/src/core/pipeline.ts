import { createHash } from 'node:crypto';
import {
  ApiError,
  AuthenticationFailed,
  BadRequest,
  NotAuthenticated,
  PermissionDenied,
  PreconditionRequired,
  SetupError,
} from './errors.js';
import type { Logger } from '../logger.js';
import type { Idempotency } from './idempotency.js';
import type { CursorPage, OffsetPage } from './pagination.js';
import { HttpResult, successStatus, type Access, type AuthUser, type MountedRoute, type RouteDef } from './routes.js';
import { compileSerializer } from './serializer.js';
import { RATE_PATTERN, type Throttler } from './throttle.js';
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
  /** whether a request's Host is one this API serves (ALLOWED_HOSTS); null: any */
  hostAllowed: ((hostname: string) => boolean) | null;
  /** told of each refused credential, by the API's error code (`token_not_valid`, `no_active_account`...): the metrics */
  onAuthFailed?: (reason: string) => void;
  /** told of each request's signed-in user, once its credential is accepted: the request's trace span */
  onAuthenticated?: (userId: string) => void;
  /** REQUIRE_IF_MATCH: a change of an object without If-Match is a 428 */
  requireIfMatch?: boolean;
  /** Idempotency-Key on the routes marked idempotent (the creates); without it the header is not read */
  idempotency?: Idempotency | null;
}

/** A refused credential, wherever it was refused (the gate, a login), is reported once, by its error code. */
function reportAuthFailure(error: unknown, deps: PipelineDeps): void {
  if (!deps.onAuthFailed || !(error instanceof AuthenticationFailed)) return;
  const code = (error.errors as { code?: unknown }).code;
  deps.onAuthFailed(typeof code === 'string' ? code : 'authentication_failed');
}

/** What the gate reads of a request: the same for a generated route and a native one. */
export type GateRequest = Pick<RawRequest, 'headers' | 'cookies' | 'ip'>;

/** The parts of a route's definition the gate applies. */
export type GateRule = Pick<RouteDef, 'access' | 'authenticate' | 'throttle' | 'anyHost'>;

/**
 * The gate every route passes before its input is read, generated or native:
 * the Host (ALLOWED_HOSTS), the caller's credentials, the throttle scopes of the
 * caller, the access rule. Resolves to the caller; the throttle's RateLimit-*
 * headers go into `headers`, which an error the gate raises carries too.
 */
export function createGate(
  rule: GateRule,
  deps: PipelineDeps,
): (request: GateRequest, headers: Record<string, string | string[]>) => Promise<AuthUser | null> {
  const rules = rule.throttle === false ? [] : rule.throttle ? [rule.throttle].flat() : null;
  const byCaller = rules?.filter((item) => !item.byBodyField);
  const throttler = rule.throttle === false ? null : deps.throttler;
  // a scope without a rate would be a 500 at the route's first request: the start stops instead, saying what to add
  const malformed = rules?.find((item) => item.rate !== undefined && !RATE_PATTERN.test(item.rate.trim()));
  if (malformed) {
    throw new SetupError(
      `a route throttles by scope "${malformed.scope}" at rate "${malformed.rate}", which is not N/second|minute|hour|day (e.g. 100/hour).`,
    );
  }
  const unknown = throttler && rules?.find((item) => !item.rate && !throttler.has(item.scope));
  if (unknown) {
    throw new SetupError(
      `a route throttles by scope "${unknown.scope}", which has no rate: add it to config.throttle (src/config.ts, with its ` +
        `THROTTLE_${unknown.scope.toUpperCase()} setting), or give the rule its own rate ({ scope: '${unknown.scope}', rate: '100/hour' }).`,
    );
  }

  return async (request, headers) => {
    if (deps.hostAllowed && !rule.anyHost && !deps.hostAllowed(hostnameOf(request.headers.host))) {
      throw new BadRequest('Invalid Host header: this API does not answer to that host.');
    }
    let user: AuthUser | null = null;
    if (deps.authenticate && rule.authenticate !== false) {
      try {
        user = await deps.authenticate(request);
        if (user) deps.onAuthenticated?.(String(user.id));
      } catch (error) {
        // a failed credential counts as an anonymous request of its address: guessing tokens is throttled too
        if (throttler && error instanceof AuthenticationFailed) await count(throttler, ANON, `ip:${request.ip}`, headers);
        throw error;
      }
    }

    if (throttler) {
      // any scope counts an API key by its prefix, a signed-in caller by user id, an anonymous one by address
      const ident = user?.apiKey ? `apikey:${user.apiKey}` : user ? `user:${user.id}` : `ip:${request.ip}`;
      if (byCaller) for (const item of byCaller) await count(throttler, item, ident, headers);
      else await count(throttler, user?.apiKey ? APIKEY : user ? USER : ANON, ident, headers);
    }

    checkAccess(rule.access, user);
    return user;
  };
}

/**
 * The gate for a route mounted on the framework directly (the adapters' `guard()`): the caller, and the headers
 * the response must carry. An error comes out as the API error it is, with those headers, for the adapter's error
 * handler to answer in the envelope.
 */
export function createNativeGate(
  rule: GateRule,
  deps: PipelineDeps,
): (request: GateRequest) => Promise<{ user: AuthUser | null; headers: Record<string, string | string[]> }> {
  if ([rule.throttle].flat().some((item) => item && item.byBodyField)) {
    throw new Error('guard(): byBodyField needs a validated body, which only a route definition has; count by caller here.');
  }
  const gate = createGate(rule, deps);
  return async (request) => {
    const headers: Record<string, string | string[]> = {};
    try {
      return { user: await gate(request, headers), headers };
    } catch (error) {
      reportAuthFailure(error, deps);
      if (error instanceof ApiError) throw error.withHeaders(headers);
      throw error;
    }
  };
}

/**
 * The same steps for every route on every framework: the gate (host,
 * credentials, throttle, access), validation, the handler, the response shaped
 * by the read schema. Adapters only translate requests in and responses out.
 */
export function createRouteHandler(mounted: MountedRoute, deps: PipelineDeps): (request: RawRequest) => Promise<RawResponse> {
  const { route, version } = mounted;
  const fixedHeaders = { ...deprecationHeaders(deps.registry, version), ...route.headers };
  const serialize = responseSerializer(route, deps.validateResponses);
  const gate = createGate(route, deps);
  const byBody = route.throttle ? [route.throttle].flat().filter((rule) => rule.byBodyField) : [];
  const throttler = route.throttle === false ? null : deps.throttler;
  const idempotency = route.idempotent ? deps.idempotency : null;

  return async (request) => {
    // headers every answer of this route carries, errors included (a 429 keeps its RateLimit-*, a 404 its Sunset)
    const headers: Record<string, string | string[]> = { ...fixedHeaders };
    try {
      const user = await gate(request, headers);
      if (deps.requireIfMatch && route.conditional === 'write' && request.headers['if-match'] === undefined)
        throw new PreconditionRequired();

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
      if (throttler) {
        for (const rule of byBody) {
          const value = (context.body as Record<string, unknown> | undefined)?.[rule.byBodyField!];
          // hashed: a key's size never depends on what a client sends
          if (typeof value === 'string')
            await count(throttler, rule, `field:${createHash('sha256').update(value).digest('base64url')}`, headers);
        }
      }
      const respond = async (): Promise<RawResponse> => {
        const result = await route.handler(context);
        if (result instanceof HttpResult) {
          // a 304 has no body to shape
          return {
            status: result.status,
            headers: { ...headers, ...result.headers },
            body: result.body === undefined ? undefined : serialize(result.body),
          };
        }
        return { status: successStatus(route), headers, body: route.responseShape === 'empty' ? undefined : serialize(result) };
      };
      const key = idempotency ? request.headers['idempotency-key'] : undefined;
      if (key === undefined) return await respond();
      // keyed by caller and route: one client's key never answers another's request, nor another route's
      const caller = user ? `user:${user.id}` : `ip:${request.ip}`;
      const answer = await idempotency!({ key, caller, route: `${route.method} ${mounted.path}`, body: request.body }, respond);
      return { ...answer, headers: { ...headers, ...answer.headers } };
    } catch (error) {
      const translated = deps.translateError(error);
      reportAuthFailure(translated, deps);
      if (translated instanceof ApiError) throw translated.withHeaders(headers);
      throw translated;
    }
  };
}

/** The host part of a Host header (`api.example.com:8080` -> `api.example.com`, `[::1]:3000` -> `[::1]`); '' if none. */
function hostnameOf(host: string | undefined): string {
  if (!host) return '';
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return '';
  }
}

/** a rule as counted: the defaults below name scopes a project's config may not have (`apikey` without API keys) */
type CountedRule = { scope: string; rate?: string; byBodyField?: string };
const ANON: CountedRule = { scope: 'anon' };
const USER: CountedRule = { scope: 'user' };
/** a machine client's key: its own scope (THROTTLE_APIKEY), so a CI job never eats its owner's quota */
const APIKEY: CountedRule = { scope: 'apikey' };

/**
 * Counts a request under one rule (Throttled past its limit). Of several rules,
 * the RateLimit-* headers are those of the one closest to its limit.
 */
async function count(throttler: Throttler, rule: CountedRule, ident: string, headers: Record<string, string | string[]>): Promise<void> {
  const decision = await throttler.check(rule.scope, ident, rule.rate);
  const shown = headers['RateLimit-Remaining'];
  if (shown === undefined || decision.remaining <= Number(shown)) Object.assign(headers, decision.headers);
}

/**
 * A route's access rule against its caller. No caller where one is needed: 401.
 * A caller who is not allowed: 403 (they may know the route exists; objects
 * they may not see are the service's 404s).
 */
function checkAccess(access: Access, user: AuthUser | null): void {
  if (access === 'public') return;
  if (!user) throw new NotAuthenticated();
  if (access === 'staff' && !user.isStaff) throw new PermissionDenied();
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
