import type { Server } from 'node:http';
import secureJson from 'secure-json-parse';
import type { Logger } from '../logger.js';
import { ParseError } from './errors.js';
import type { PipelineDeps } from './pipeline.js';
import type { MountedRoute } from './routes.js';

/** What a framework adapter needs to serve the API. */
export interface HttpAppOptions {
  routes: MountedRoute[];
  pipeline: PipelineDeps;
  logger: Logger;
  bodyLimit: number;
  /** false, true, a hop count, or a list of trusted proxy addresses / CIDRs */
  trustProxy: boolean | number | string[];
  corsOrigins: string[];
  /** the origin links (`next`, `previous`) are built on; unset, the request's own Host */
  publicUrl: string | undefined;
  /** set on every response before anything else runs (core/security.ts) */
  securityHeaders: Record<string, string>;
}

/** The app as the server process and the tests see it, whatever the framework. */
export interface HttpApp {
  /** starts listening; resolves to the base URL (`http://127.0.0.1:3000`) */
  listen(port: number, host: string): Promise<string>;
  /**
   * Shutdown: stops accepting connections, answers any new request on an open
   * one with a 503 (`Retry-After`, `Connection: close`), closes idle ones, and
   * resolves once every connection has ended.
   */
  close(): Promise<void>;
  /** requests whose headers have arrived and whose response has not ended */
  inFlight(): number;
  /** ends every connection now: the end of the shutdown's grace period, for clients that never finish a request */
  closeAllConnections(): void;
}

/**
 * Shutdown state shared by an adapter's hooks: whether the app is draining,
 * and how many requests are in flight. A request that has not delivered its
 * headers is not one: cutting it at the end of the grace period loses nothing.
 */
export class Lifecycle {
  draining = false;
  inFlight = 0;
}

/**
 * Drains a Node HTTP server: no new connections; idle keep-alive ones closed
 * now and as they fall idle (a response that just ended leaves its connection
 * idle); resolves when the last one has ended. The caller has set draining,
 * so a request on an open connection meanwhile gets the 503 below.
 */
export function drainServer(server: Server, close: () => Promise<void> = () => closeServer(server)): Promise<void> {
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  server.closeIdleConnections();
  return close().finally(() => clearInterval(sweep));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/** The answer to a request that arrives while the process shuts down: come back to another instance. */
export const SHUTTING_DOWN = {
  status: 503,
  headers: { 'Retry-After': '5', Connection: 'close' },
  body: { status: 'error', code: 503, errors: { detail: 'The server is shutting down; retry shortly.' } },
} as const;

/** `X-Request-Id` is echoed when the client sent a sane one, so a trace spans services. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined, generate: () => string): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SANE_REQUEST_ID.test(value) ? value : generate();
}

/** The request's absolute URL; a Host header no URL can be built on (`a b`, none at all) falls back to localhost. */
export function absoluteUrl(pathAndQuery: string, origin: string): URL {
  try {
    return new URL(pathAndQuery, origin);
  } catch {
    return new URL(pathAndQuery, 'http://localhost');
  }
}

/** Parses a Cookie header into name -> value (the last one wins on duplicates). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 1) continue;
    const name = part.slice(0, index).trim();
    const raw = part
      .slice(index + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      cookies[name] = decodeURIComponent(raw);
    } catch {
      cookies[name] = raw;
    }
  }
  return cookies;
}

/** `application/json` and its `+json` relatives (`application/merge-patch+json`); nothing else is read as a body. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return /^application\/(?:[\w.+-]+\+)?json$/.test(type);
}

/** Whether a request carries a body at all (RFC 9112: a length, or a chunked transfer). */
export function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/**
 * A JSON body as every adapter reads it: empty is no body; a `__proto__` or
 * `constructor.prototype` key is refused (secure-json-parse, as Fastify's own
 * parser); a syntax error says what is wrong, in the contract's words.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw new ParseError((error as Error).message);
  }
}

/**
 * A request's child logger (every line carries its id), made the first time something logs through it: with
 * request logging off, most requests never log, and making a child on each one costs several % of throughput.
 */
export function requestLogger(logger: Logger, requestId: string): Logger {
  let child: Logger | undefined;
  return new Proxy(logger, {
    get: (_target, property) => {
      child ??= logger.child({ reqId: requestId });
      const value: unknown = Reflect.get(child, property, child);
      return typeof value === 'function' ? value.bind(child) : value;
    },
  });
}

/** The line each adapter logs when a response has gone out (skipped without touching `log` when info is off). */
export function logCompleted(
  logger: Logger,
  log: Logger,
  request: { method: string; url: string },
  statusCode: number,
  startedAt: bigint,
): void {
  if (!logger.isLevelEnabled('info')) return;
  log.info({ req: request, res: { statusCode }, responseTime: Number(process.hrtime.bigint() - startedAt) / 1e6 }, 'request completed');
}

/**
 * CORS, when CORS_ORIGINS is set: one policy that each adapter hands its
 * framework's CORS middleware, so a preflight is answered alike everywhere:
 * every method the API serves, the headers a client sends, cached 10 minutes.
 */
export const CORS_POLICY = {
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
  maxAgeSeconds: 600,
} as const;

/** Headers a browser on another origin may read, when CORS is on. */
export const EXPOSED_HEADERS = [
  'X-Request-Id',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Deprecation',
  'Sunset',
  'Link',
];
