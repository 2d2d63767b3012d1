import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Cors } from './cors.js';
import secureJson from 'secure-json-parse';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Tracing } from '../observability/tracing.js';
import { errorBody } from './envelope.js';
import { BadRequest, ParseError, toErrorResponse, UnsupportedContentEncoding } from './errors.js';
import type { PipelineDeps, RawResponse } from './pipeline.js';
import type { MountedRoute } from './routes.js';

/** What a framework adapter needs to serve the API. */
export interface HttpAppOptions {
  routes: MountedRoute[];
  pipeline: PipelineDeps;
  logger: Logger;
  bodyLimit: number;
  /** false, true, a hop count, or a list of trusted proxy addresses / CIDRs */
  trustProxy: boolean | number | string[];
  /** CORS_ORIGINS applied (core/cors.ts); null when unset */
  cors: Cors | null;
  /** the origin links (`next`, `previous`) are built on; unset, the request's own Host */
  publicUrl: string | undefined;
  /** set on every response before anything else runs (core/security.ts) */
  securityHeaders: Record<string, string>;
  /** told of every response: its method, the route pattern that matched (undefined: none did), status, duration */
  metrics: Pick<Metrics, 'request'> & { readonly registry?: unknown };
  /** OpenTelemetry (OTEL_EXPORTER_OTLP_ENDPOINT): the adapter gives it its Node server before listening */
  tracing: Pick<Tracing, 'instrument' | 'route'>;
}

/**
 * Counts the response to `request` once it has gone out, by the route pattern the framework matched (`routeOf`, read
 * then; undefined: none did, or the answer came before routing), and names its span by that pattern. Every adapter
 * calls it as a request arrives, before any answer of its own; with the metrics and tracing off it attaches nothing.
 */
export function observeResponse(
  options: Pick<HttpAppOptions, 'metrics' | 'tracing'>,
  request: IncomingMessage,
  response: ServerResponse,
  routeOf: () => string | undefined,
): void {
  options.tracing.route(request, routeOf);
  if (options.metrics.registry === undefined) return;
  const startedAt = process.hrtime.bigint();
  response.once('finish', () =>
    options.metrics.request(request.method ?? 'GET', routeOf(), response.statusCode, Number(process.hrtime.bigint() - startedAt) / 1e9),
  );
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
  /** of those, the ones whose body has arrived whole: cutting one of these loses a request the client finished */
  running(): number;
  /** ends every connection now: the end of the shutdown's grace period, for clients that never finish a request */
  closeAllConnections(): void;
}

/**
 * Shutdown state shared by an adapter's hooks: whether the app is draining,
 * and which requests are in flight. A request that has not delivered its
 * headers is not one, and one whose body is still arriving is not running yet:
 * cutting either at the end of the grace period loses nothing the client sent.
 */
export class Lifecycle {
  draining = false;
  readonly #requests = new Set<IncomingMessage>();

  /** A request from its headers until its response has ended (or its connection went). */
  track(request: IncomingMessage, response: ServerResponse): void {
    this.#requests.add(request);
    response.once('close', () => this.#requests.delete(request));
  }

  get inFlight(): number {
    return this.#requests.size;
  }

  /** Those whose body has arrived whole (`complete`: at once for a request without one). */
  get running(): number {
    let count = 0;
    for (const request of this.#requests) if (request.complete) count += 1;
    return count;
  }
}

/**
 * Closing the listener resets the connections the kernel has completed but Node has not yet accepted (its backlog),
 * and closing the server ends at once every connection accepted but not yet read, which Node counts as idle. So the
 * listener stays open at least this long and two turns of the event loop (the backlog is accepted), then until every
 * connection accepted since draining began has sent its request (answered with the 503 below, `Connection: close`),
 * or ACCEPT_WAIT_MAX_MS have passed: clients already on their way get an answer, none a reset.
 */
const ACCEPT_WINDOW_MS = 100;
const ACCEPT_WAIT_MAX_MS = 1_000;

/**
 * Drains a Node HTTP server: after the accept window, no new connections; idle
 * keep-alive ones closed then and as they fall idle (a response that just ended
 * leaves its connection idle); resolves when the last one has ended. The caller
 * has set draining, so a request on an open connection meanwhile gets the 503.
 */
export async function drainServer(server: Server, close: () => Promise<void> = () => closeServer(server)): Promise<void> {
  await acceptWhatIsOnItsWay(server);
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  server.closeIdleConnections();
  return close().finally(() => clearInterval(sweep));
}

async function acceptWhatIsOnItsWay(server: Server): Promise<void> {
  const unread = new Set<Socket>();
  const accepted = (socket: Socket) => {
    unread.add(socket);
    socket.once('close', () => unread.delete(socket));
  };
  const read = (request: IncomingMessage) => unread.delete(request.socket);
  server.on('connection', accepted);
  server.on('request', read);
  const started = performance.now();
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  try {
    await turn();
    await turn();
    const elapsed = () => performance.now() - started;
    while (elapsed() < ACCEPT_WINDOW_MS || (unread.size > 0 && elapsed() < ACCEPT_WAIT_MAX_MS)) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    server.off('connection', accepted);
    server.off('request', read);
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/**
 * The headers every answer to a request carries, whatever answers it (a route, an error, the router, a preflight):
 * the security headers and, with CORS on, the grant for the request's Origin. The adapters set them first.
 */
export function answerHeaders(
  options: Pick<HttpAppOptions, 'securityHeaders' | 'cors'>,
  request: { method?: string; headers: Record<string, string | string[] | undefined> },
): Record<string, string> {
  return options.cors
    ? { ...options.securityHeaders, ...options.cors.headersFor(request.method ?? 'GET', request.headers) }
    : options.securityHeaders;
}

/**
 * An answer given before any routing: the 503 while shutting down, a request target or Host no URL can be made of
 * (400), a CORS preflight; null for the rest. The same checks in the same order on every framework, where each
 * framework's router would otherwise answer these its own way.
 */
export function earlyAnswer(
  options: Pick<HttpAppOptions, 'cors'>,
  lifecycle: Lifecycle,
  request: Pick<IncomingMessage, 'method' | 'url' | 'headers' | 'rawHeaders' | 'httpVersion'>,
): RawResponse | null {
  if (lifecycle.draining) return SHUTTING_DOWN;
  const target = targetProblem(request.url ?? '/');
  if (target) return toErrorResponse(new BadRequest(target));
  if (isHealthCheck(request.url ?? '/')) readHostAsLocal(request);
  const host = hostProblem(request.headers.host, request.rawHeaders, request.httpVersion);
  if (host) return toErrorResponse(new BadRequest(host));
  return options.cors?.preflight(request.method ?? 'GET', request.headers) ?? null;
}

const HEALTH_CHECKS = new Set(['/health/live', '/health/ready']);

/** `/health/live` and `/health/ready` (a trailing slash too): the paths a load balancer or container probe calls. */
function isHealthCheck(target: string): boolean {
  const path = target.split('?')[0]!;
  return HEALTH_CHECKS.has(path.endsWith('/') ? path.slice(0, -1) : path);
}

/**
 * Health checks answer whatever the Host (§8): probes address an instance by its IP, some with an empty, odd or no
 * Host at all. A Host no URL can be made of is read as `localhost` before any framework builds a URL of it.
 */
function readHostAsLocal(request: Pick<IncomingMessage, 'headers' | 'rawHeaders' | 'httpVersion'>): void {
  if (hostProblem(request.headers.host, request.rawHeaders, request.httpVersion) === undefined) return;
  request.headers.host = 'localhost';
  const raw = request.rawHeaders;
  for (let index = raw.length - 2; index >= 0; index -= 2) if (raw[index]!.toLowerCase() === 'host') raw.splice(index, 2);
  raw.push('Host', 'localhost');
}

/** What is wrong with a request target no route could be matched on, if anything. */
export function targetProblem(target: string): string | undefined {
  // origin-form only: an absolute-form target (`GET http://evil.example/...`, meant for proxies) would name a host
  // that ALLOWED_HOSTS never saw, and links would be built on it
  if (!target.startsWith('/')) return 'Malformed URL: the request target must be a path.';
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  if (path.includes('\\')) return 'Malformed URL: the path has a backslash.';
  if (path.includes('%')) {
    try {
      decodeURIComponent(path);
    } catch {
      return 'Malformed URL: the path has an invalid %-escape.';
    }
  }
  return undefined;
}

/**
 * A Host header must be one host name or address and an optional port. HTTP/1.1 requires one (the server lets a
 * request without it through, to answer it here, in the envelope); an HTTP/1.0 request may have none, for
 * ALLOWED_HOSTS to judge.
 */
export const HOST_SYNTAX = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/;

function hostProblem(host: string | undefined, rawHeaders: string[], httpVersion: string): string | undefined {
  if (host === undefined) return httpVersion === '1.0' ? undefined : 'Missing Host header: an HTTP/1.1 request must name the host.';
  const problem = 'Invalid Host header: this API does not answer to that host.';
  if (!HOST_SYNTAX.test(host)) return problem;
  // Node keeps the first of two Host headers; RFC 9112 §3.2 wants the request refused, as a proxy may have read the other
  let hosts = 0;
  for (let index = 0; index < rawHeaders.length; index += 2)
    if (rawHeaders[index]!.length === 4 && rawHeaders[index]!.toLowerCase() === 'host') hosts += 1;
  if (hosts > 1) return problem;
  // and it must be the host a URL would make of it (`127.1` is 127.0.0.1 to a URL, and refused by Hono's server)
  const given = host.toLowerCase();
  let url: URL;
  try {
    url = new URL(`http://${given}`);
  } catch {
    // the syntax fits, the value does not (`localhost:99999`, `1.2.3.256`)
    return problem;
  }
  return url.host === given || `${url.hostname}:80` === given ? undefined : problem;
}

/**
 * The request target as every adapter routes it: empty segments merged, dot segments resolved and %-escapes of
 * unreserved characters decoded (RFC 3986 §6.2.2), so `/api/v1/./%70roducts` is `/api/v1/products` on every framework. Targets that
 * need neither, nearly all of them, are returned as they came.
 */
export function canonicalTarget(target: string): string {
  if (!target.startsWith('/')) return target;
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  if (!path.includes('%') && !path.includes('/.') && !path.includes('//')) return target;
  // empty segments merged, as nginx does by default (`//api/v1/products//` is `/api/v1/products/`)
  const decoded = path.replace(/\/{2,}/g, '/').replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9._~-]/.test(char) ? char : escape.toUpperCase();
  });
  const resolved = decoded.includes('/.') ? new URL(`http://localhost${decoded}`).pathname : decoded;
  return query < 0 ? resolved : resolved + target.slice(query);
}

/**
 * Writes an answer through Node's own writeHead/end: the adapters that sit on a plain Node server (Express, and
 * Hono before its router) answer early and error responses this way. A 204 or 304 has no body (nor its length);
 * Node itself drops the body of a HEAD request, and keeps the length a GET would have.
 */
export function writeAnswer(response: ServerResponse, result: RawResponse): void {
  if (result.body === undefined || result.status === 204 || result.status === 304) {
    return void response.writeHead(result.status, result.headers).end();
  }
  const json = typeof result.body !== 'string';
  const text = json ? JSON.stringify(result.body) : (result.body as string);
  response
    .writeHead(result.status, {
      'Content-Type': json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
      ...result.headers,
      'Content-Length': String(Buffer.byteLength(text)),
    })
    .end(text);
}

/** The answer to a request that arrives while the process shuts down: come back to another instance. */
export const SHUTTING_DOWN = {
  status: 503,
  headers: { 'Retry-After': '5', Connection: 'close' },
  body: errorBody(503, { detail: 'The server is shutting down; retry shortly.' }),
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

/** A JSON body is read as sent, never inflated: any Content-Encoding but `identity` is a 415 (RFC 9110 §8.4.1). */
export function assertIdentityEncoding(headers: Record<string, string | string[] | undefined>): void {
  const encoding = String(headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding !== 'identity' && encoding !== '') throw new UnsupportedContentEncoding(encoding.slice(0, 40));
}

/**
 * A JSON body as every adapter reads it: empty is no body; a `__proto__` or
 * `constructor.prototype` key is refused (secure-json-parse, as Fastify's own
 * parser); a syntax error says what is wrong, in the contract's words. Its
 * objects have no prototype: a key the client left out reads as undefined, never
 * as an inherited member (`body.constructor` is not Object).
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw new ParseError((error as Error).message);
  }
  return withoutPrototypes(body);
}

/** Without recursion: a body nested as deep as JSON.parse reads must not overflow the stack here (a 500). */
function withoutPrototypes(body: unknown): unknown {
  const pending = [body];
  for (let value = pending.pop(); pending.length > 0 || value !== undefined; value = pending.pop()) {
    if (typeof value !== 'object' || value === null) continue;
    if (!Array.isArray(value)) Object.setPrototypeOf(value, null);
    for (const item of Object.values(value)) pending.push(item);
  }
  return body;
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
