/**
 * Every error the API can answer, and the ONE mapping from an error to a status
 * and the envelope (envelope.ts). Adapters translate their framework's own
 * errors into these types and call `toErrorResponse`; nothing else decides what
 * an error looks like on the wire.
 */
import { errorBody, type ErrorBody, type ErrorEnvelope, type FieldErrors } from './envelope.js';

export type { ErrorBody, ErrorDetail, FieldErrors } from './envelope.js';

/**
 * A mistake in how the app is put together (a route naming a throttle scope config lacks): found while the routes
 * are mounted, so the start stops with one line (server.ts) instead of a request failing later.
 */
export class SetupError extends Error {}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ErrorBody,
    public headers: Record<string, string> = {},
  ) {
    super('detail' in errors && typeof errors.detail === 'string' ? errors.detail : `HTTP ${status}`);
    this.name = new.target.name;
  }

  /** Adds headers the response must carry anyway; the error's own (Retry-After, Allow) win on a clash. */
  withHeaders(headers: Record<string, string | string[]>): this {
    this.headers = { ...flatten(headers), ...this.headers };
    return this;
  }
}

function flatten(headers: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
}

export class ValidationError extends ApiError {
  constructor(errors: FieldErrors) {
    super(400, errors);
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError({ [field]: [message] });
  }
}

/**
 * A value its column cannot hold (a number past the column's type, text past its length, a NUL byte) that got past
 * the schemas, which refuse each first: the database's refusal is still the client's 400, never a 500. The
 * databases do not all name the column, so neither does this.
 */
export class ValueOutOfRange extends ValidationError {
  constructor() {
    super({ non_field_errors: ['A value is out of the range its field can hold.'] });
  }
}

export class ParseError extends ApiError {
  constructor(reason: string) {
    super(400, { detail: `JSON parse error - ${reason}` });
  }
}

export class BadRequest extends ApiError {
  constructor(detail: string) {
    super(400, { detail });
  }
}

export class NotAuthenticated extends ApiError {
  constructor(detail = 'Authentication credentials were not provided.') {
    super(401, { detail }, { 'WWW-Authenticate': 'Bearer realm="api"' });
  }
}

export class AuthenticationFailed extends ApiError {
  constructor(detail: string, code?: string) {
    super(401, code ? { detail, code } : { detail }, { 'WWW-Authenticate': 'Bearer realm="api"' });
  }
}

/** A token that is bad, expired, of the wrong type or blacklisted. */
export class InvalidToken extends AuthenticationFailed {
  constructor(detail = 'Given token not valid for any token type') {
    super(detail, 'token_not_valid');
  }
}

export class PermissionDenied extends ApiError {
  constructor(detail = 'You do not have permission to perform this action.') {
    super(403, { detail });
  }
}

export class NotFound extends ApiError {
  constructor(detail = 'Not found.') {
    super(404, { detail });
  }
}

/** If-Match names no current ETag of the object: nothing changed (contract §10). */
export class PreconditionFailed extends ApiError {
  constructor() {
    super(412, { detail: 'Precondition failed.' });
  }
}

/** REQUIRE_IF_MATCH: a change without If-Match, which could overwrite a change its client never saw. */
export class PreconditionRequired extends ApiError {
  constructor() {
    super(428, { detail: 'Precondition required.' });
  }
}

export class InvalidVersion extends NotFound {
  constructor() {
    super('Invalid version in URL path.');
  }
}

export class MethodNotAllowed extends ApiError {
  constructor(method: string, allowed: string[]) {
    super(405, { detail: `Method "${method}" not allowed.` }, { Allow: allowed.join(', ') });
  }
}

/** A change that related rows forbid, such as deleting a product that orders refer to. */
export class Conflict extends ApiError {
  constructor(detail: string) {
    super(409, { detail });
  }
}

/** Idempotency-Key (contract §10): the key came with another body before. */
export class IdempotencyKeyReused extends ApiError {
  constructor() {
    super(422, { detail: 'This Idempotency-Key was used with a different request.' });
  }
}

/** Idempotency-Key: the first request with the key is still running; the repeat may try again in a second. */
export class IdempotencyKeyInProgress extends ApiError {
  constructor() {
    super(409, { detail: 'A request with this Idempotency-Key is being processed.' }, { 'Retry-After': '1' });
  }
}

export class PayloadTooLarge extends ApiError {
  constructor(limitBytes: number) {
    super(413, { detail: `Request body is larger than the limit of ${limitBytes} bytes.` });
  }
}

export class UnsupportedMediaType extends ApiError {
  constructor(mediaType: string) {
    super(415, { detail: `Unsupported media type "${mediaType}" in request.` });
  }
}

/** A compressed request body: refused on every framework (an inflated body could exceed any limit set on it). */
export class UnsupportedContentEncoding extends ApiError {
  constructor(encoding: string) {
    super(415, { detail: `Unsupported Content-Encoding "${encoding}" in request: send the body uncompressed.` });
  }
}

export class Throttled extends ApiError {
  constructor(waitSeconds: number) {
    super(
      429,
      { detail: `Request was throttled. Expected available in ${waitSeconds} second${waitSeconds === 1 ? '' : 's'}.` },
      { 'Retry-After': String(waitSeconds) },
    );
  }
}

export class ServiceUnavailable extends ApiError {
  constructor(detail = 'Service temporarily unavailable, try again later.', retryAfterSeconds?: number) {
    super(503, { detail }, retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) });
  }
}

/**
 * A wait for the database (a lock another transaction or process holds, a deadlock, a pool with no free
 * connection) that outlasted DATABASE_TIMEOUT_MS: the client's request was fine, and may be sent again shortly.
 */
export class DatabaseBusy extends ServiceUnavailable {
  constructor() {
    super('The database is busy; try again shortly.', 1);
  }
}

export const SERVER_ERROR_DETAIL = 'A server error occurred.';

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: ErrorEnvelope;
  /** true when the error is ours (a bug or an outage), so it must be logged in full */
  unexpected: boolean;
}

/**
 * Known errors keep their status and message; anything else is a 500 whose
 * message never reaches the client (it may hold SQL or a stack): the full
 * error goes to the log with the request id instead.
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      headers: error.headers,
      body: errorBody(error.status, error.errors),
      unexpected: error.status >= 500,
    };
  }
  return {
    status: 500,
    headers: {},
    body: errorBody(500, { detail: SERVER_ERROR_DETAIL }),
    unexpected: true,
  };
}
