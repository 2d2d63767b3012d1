import type { z } from 'zod';
import type { ThrottleScope } from '../config.js';
import type { Logger } from '../logger.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route. `public`: anyone; `user`: an authenticated user;
 * `staff`: an authenticated staff user (anyone else signed in gets 403).
 * Object-level rules (a user sees only their own orders) live in the service,
 * which answers 404 for an object the caller may not see.
 */
export type Access = 'public' | 'user' | 'staff';

/** The authenticated caller, as the auth layer resolved it from a token. */
export interface AuthUser {
  id: number;
  username: string;
  isStaff: boolean;
  /** the prefix of the API key the request came with (contract §4.2): throttled in its own scope, per key */
  apiKey?: string;
}

/** What a handler sees of the request: already authenticated, validated and typed. */
export interface RouteContext<Body = unknown, Query = unknown, Params = unknown> {
  body: Body;
  query: Query;
  params: Params;
  user: AuthUser | null;
  /** the API version the route was called under (`v1`), or null for unversioned routes */
  version: string | null;
  requestId: string;
  /** the absolute URL of the request, for building links such as `next` */
  url: URL;
  headers: Record<string, string | undefined>;
  cookies: Record<string, string>;
  log: Logger;
}

/** A handler returns the body to serialize, or an HttpResult to choose status and headers. */
export class HttpResult {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string | string[]> = {},
  ) {}
}

/**
 * A scope of config.throttle (its rate from a THROTTLE_* setting), or a name of the route's own with its rate: a
 * scope config lacks and no rate is a type error (and, for a cast, stops the start at the mount). `rate` is
 * `N/second|minute|hour|day`, instead of the scope's configured one when both are there; a malformed one also stops
 * the start at the mount.
 */
export type ThrottleRule = ({ scope: ThrottleScope; rate?: string } | { scope: string; rate: string }) & {
  /**
   * count by this field of the validated body instead of by the caller (the
   * login's username: one account's guesses are limited whatever the addresses)
   */
  byBodyField?: string;
};

export interface RouteDef<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  /** relative to its mount point: `/products/:id` under `/api/v1` */
  path: string;
  access: Access;
  /**
   * false: credentials are not read at all, so a stale token a client sends on
   * every request cannot lock it out of logging in, refreshing or health checks
   */
  authenticate?: boolean;
  /** defaults to the anon / user scopes; a route may name its own (`login`), or several that all apply */
  throttle?: ThrottleRule | ThrottleRule[] | false;
  /** answered whatever the Host (ALLOWED_HOSTS): health checks, which load balancers address by IP */
  anyHost?: boolean;
  /** headers every answer of the route carries, errors included (`Cache-Control: no-store` on token answers) */
  headers?: Record<string, string>;
  body?: B;
  query?: Q;
  params?: P;
  /** the read schema: what the client receives (the list item schema for paginated lists) */
  response?: z.ZodType;
  /** how the response wraps `response`: a single object (default) or a page of them */
  responseShape?: 'object' | 'cursor-page' | 'offset-page' | 'empty';
  status?: number;
  /**
   * Conditional requests (contract §10): `read` answers an ETag and honours If-None-Match (304), `create` answers an
   * ETag, `write` honours If-Match (412) and, with REQUIRE_IF_MATCH, requires it (428). The OpenAPI document says so.
   */
  conditional?: 'read' | 'create' | 'write';
  /**
   * A create that honours `Idempotency-Key` (contract §10): a repeat with the key gets the first answer back instead
   * of making a second object. The handler's writes and the kept answer commit in one transaction.
   */
  idempotent?: boolean;
  summary: string;
  /** for the OpenAPI document; derived from the access rule, pagination and throttling when absent */
  description?: string;
  /**
   * the names of its schemas among the OpenAPI document's components (`ProductWrite`, `ProductRead`, and for a
   * paginated list `ProductPage`); derived from the operationId when absent (`CreateOrderRequest`)
   */
  schemaNames?: { body?: string; response?: string; page?: string };
  /**
   * error statuses the handler answers of its own, for the OpenAPI document (a login's 401, a delete's 409 when other
   * rows refer to the object); those every route of its kind can answer are derived
   */
  answers?: Partial<Record<number, string>>;
  /** unique within a version's OpenAPI document (`listProducts`); derived from the method and path when absent */
  operationId?: string;
  tags?: string[];
  handler: (ctx: RouteContext<z.output<B>, z.output<Q>, z.output<P>>) => Promise<unknown>;
}

/** Typed helper: infers body/query/params types for the handler from the schemas. */
export function defineRoute<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, P extends z.ZodType = z.ZodUnknown>(
  route: RouteDef<B, Q, P>,
): RouteDef {
  return route as unknown as RouteDef;
}

/** A route placed at its full path, ready for an adapter to mount. */
export interface MountedRoute {
  route: RouteDef;
  /** full path: `/api/v1/products/:id` */
  path: string;
  version: string | null;
}

/** The status a route answers with when it succeeds: its own, else 204 without a body and 200 with one. */
export function successStatus(route: Pick<RouteDef, 'status' | 'responseShape'>): number {
  return route.status ?? (route.responseShape === 'empty' ? 204 : 200);
}
