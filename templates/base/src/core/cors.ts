import type { RawResponse } from './pipeline.js';

/**
 * CORS, when CORS_ORIGINS is set, written once for every framework: the three frameworks' CORS packages answer
 * the same preflight with different bytes (header lists with and without spaces, exposed headers on requests
 * without an Origin, Express's router answering OPTIONS itself), and the contract wants the same bytes everywhere.
 * The rules are the Fetch standard's, kept to what this API needs: a list of origins, credentials allowed.
 */
export const CORS_POLICY = {
  /** every method the API serves */
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  /** the headers a client sends (the conditional and idempotent requests' among them) */
  allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'If-Match', 'If-None-Match', 'Idempotency-Key'],
  /** the headers a browser on another origin may read */
  exposedHeaders: [
    'X-Request-Id',
    'Retry-After',
    'RateLimit-Limit',
    'RateLimit-Remaining',
    'RateLimit-Reset',
    'Deprecation',
    'Sunset',
    'Link',
    'ETag',
    'Location',
    'Idempotent-Replayed',
  ],
  maxAgeSeconds: 600,
} as const;

export interface Cors {
  /** headers for the answer to a request that is not a preflight: none without an Origin, the grant for an allowed one */
  headersFor(method: string, requestHeaders: Record<string, string | string[] | undefined>): Record<string, string>;
  /** the whole answer to a preflight (OPTIONS with Origin and Access-Control-Request-Method); null for any other request */
  preflight(method: string, requestHeaders: Record<string, string | string[] | undefined>): RawResponse | null;
}

/** null when no origin is allowed: no CORS headers at all, and OPTIONS is a method like any other (405). */
export function createCors(origins: string[]): Cors | null {
  if (origins.length === 0) return null;
  const allowed = new Set(origins);
  const originOf = (headers: Record<string, string | string[] | undefined>) => {
    const origin = headers.origin;
    return typeof origin === 'string' && allowed.has(origin) ? origin : undefined;
  };
  // the answer depends on the Origin whether or not one was sent: a cache must keep them apart
  const vary = { Vary: 'Origin' };
  const exposed = CORS_POLICY.exposedHeaders.join(', ');
  const preflightHeaders = {
    'Access-Control-Allow-Methods': CORS_POLICY.methods.join(', '),
    'Access-Control-Allow-Headers': CORS_POLICY.allowedHeaders.join(', '),
    'Access-Control-Max-Age': String(CORS_POLICY.maxAgeSeconds),
  };
  return {
    headersFor: (method, headers) => {
      const origin = originOf(headers);
      // a preflight's grant is its own answer (preflight below)
      if (!origin || isPreflight(method, headers)) return vary;
      return {
        ...vary,
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': exposed,
      };
    },
    preflight: (method, headers) => {
      if (!isPreflight(method, headers)) return null;
      const origin = originOf(headers);
      // another origin's preflight gets no grant: the browser stops there, and the API says nothing of its routes
      if (!origin) return { status: 204, headers: vary, body: undefined };
      return {
        status: 204,
        headers: { ...vary, 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', ...preflightHeaders },
        body: undefined,
      };
    },
  };
}

function isPreflight(method: string, headers: Record<string, string | string[] | undefined>): boolean {
  return method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined;
}
