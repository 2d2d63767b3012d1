import { getRequestListener, RequestError, type HttpBindings } from '@hono/node-server';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { BadRequest, PayloadTooLarge, toErrorResponse, UnsupportedMediaType } from '../../../core/errors.js';
import {
  absoluteUrl,
  answerHeaders,
  assertIdentityEncoding,
  canonicalTarget,
  earlyAnswer,
  observeResponse,
  isJsonMediaType,
  Lifecycle,
  parseCookies,
  parseJsonBody,
  requestIdFrom,
  requestLogger,
  type HttpApp,
  type HttpAppOptions,
  writeAnswer,
} from '../../../core/http.js';
import { clientAddress, compileTrust, linkOrigin } from '../../../core/proxy.js';
import { createNativeGate, createRouteHandler, type GateRule, type RawResponse } from '../../../core/pipeline.js';
import type { AuthUser } from '../../../core/routes.js';
import { unmatchedRequestResolver } from '../../../core/versioning.js';
import type { Logger } from '../../../logger.js';
import { hasBody, logCompleted, nodeServer } from '../node-server.js';
import { nativeRoutes } from './native.js';

export type Env = {
  /** Node's request and response when @hono/node-server serves the app; absent through `app.request()` or `app.fetch` */
  Bindings: Partial<HttpBindings>;
  /**
   * `user`: the caller, on a native route behind guard(); null when anonymous. `headers`: the request's headers as
   * Node's lower-case record, whichever way the request came.
   */
  Variables: {
    requestId: string;
    log: Logger;
    user: AuthUser | null;
    answerHeaders: Record<string, string>;
    headers: IncomingHttpHeaders;
  };
};

/** guard({ access, throttle }): a middleware giving a native route the generated routes' gate. */
export type Guard = (rule: GateRule) => MiddlewareHandler<Env>;
/** Adds your own Hono routes (src/adapters/http/hono/native.ts). */
export type NativeRoutes = (app: Hono<Env>, guard: Guard) => void;

/**
 * The only file that knows Hono: it mounts the framework-agnostic route
 * definitions as Hono routes, served by @hono/node-server, and turns Hono's own
 * errors (body too large, no route) into the API's error types. The Hono app
 * answers on its own too, through `app.request()` in a test or `app.fetch`:
 * without Node's request it reads the fetch Request and makes the checks the
 * Node handler below makes before routing (see `fromFetch`).
 */
export function createHttpApp(options: HttpAppOptions, addNativeRoutes: NativeRoutes = nativeRoutes): HttpApp & { hono: Hono<Env> } {
  const { routes, pipeline, logger } = options;
  const app = new Hono<Env>({ strict: false });
  const trust = compileTrust(options.trustProxy);
  const trusting = options.trustProxy !== false;
  const publicOrigin = options.publicUrl ? new URL(options.publicUrl).origin : undefined;

  const lifecycle = new Lifecycle();
  /** the route pattern each request was answered by, read by observeResponse when its response has gone out */
  const matchedRoutes = new WeakMap<IncomingMessage, string>();
  /** the requests the Node handler below has checked before routing; any other (app.fetch, served by another server) is checked here */
  const checked = new WeakSet<IncomingMessage>();
  app.use(async (c, next) => {
    const startedAt = process.hrtime.bigint();
    const incoming = c.env?.incoming;
    const headers = incoming ? incoming.headers : headersOf(c.req.raw);
    c.set('headers', headers);
    const requestId = requestIdFrom(headers['x-request-id'], randomUUID);
    c.set('requestId', requestId);
    c.set('log', requestLogger(logger, requestId));
    // set before the response exists: on every response Hono builds (respond() adds them to its own)
    c.header('X-Request-Id', requestId);
    const fixed = answerHeaders(options, { method: c.req.method, headers });
    c.set('answerHeaders', fixed);
    for (const [name, value] of Object.entries(fixed)) c.header(name, value);
    if (!incoming || !checked.has(incoming)) {
      const early = earlyAnswer(options, lifecycle, incoming ?? fromFetch(c.req.raw, headers));
      if (early) return respond(c, early);
    }
    if (incoming && c.env.outgoing) lifecycle.track(incoming, c.env.outgoing);
    await next();
    // the route that answered, for the metrics: the handler Hono ran last, unless that was a middleware for every
    // path (a 404); a native route for all methods (app.all) has its own path
    const answered = c.req.matchedRoutes[c.req.routeIndex];
    const everyPath = answered?.method === 'ALL' && (answered.path === '*' || answered.path === '/*');
    if (incoming && answered && !everyPath) matchedRoutes.set(incoming, answered.path);
    logCompleted(logger, c.get('log'), { method: c.req.method, url: c.req.path }, c.res.status, startedAt);
  });
  /** The client's address: the socket's peer (or, from a trusted proxy, X-Forwarded-For); unknown without Node's request. */
  const addressOf = (c: Context<Env>) => (c.env?.incoming ? clientAddress(c.env.incoming, trust, trusting) : '');
  // on the routes that take a body only: reading the limit makes Hono build a fetch Request, which others need not pay
  const limitBody = bodyLimit({
    maxSize: options.bodyLimit,
    onError: () => {
      throw new PayloadTooLarge(options.bodyLimit);
    },
  });

  for (const mounted of routes) {
    const handle = createRouteHandler(mounted, pipeline);
    const handler = async (c: Context<Env>) => {
      // headers straight from Node's request: asking Hono for them would build a whole fetch Request per call
      const incoming = c.env?.incoming;
      const headers = c.get('headers');
      const url = incoming
        ? absoluteUrl(incoming.url ?? '/', publicOrigin ?? linkOrigin(incoming, trust, pipeline.hostAllowed))
        : fetchUrl(c.req.url, headers.host, publicOrigin);
      const result = await handle({
        url,
        headers: headers as Record<string, string | undefined>,
        cookies: parseCookies(headers.cookie),
        params: c.req.param() as Record<string, string>,
        // from the URL already parsed: Hono's c.req.queries() would parse it again
        query: queryOf(url.searchParams),
        body: mounted.route.body ? await readBody(c) : undefined,
        ip: addressOf(c),
        requestId: c.get('requestId'),
        log: c.get('log'),
      });
      return respond(c, result);
    };
    if (mounted.route.body) app.on(mounted.route.method, mounted.path, limitBody, handler);
    else app.on(mounted.route.method, mounted.path, handler);
  }

  const guard: Guard = (rule) => {
    const admit = createNativeGate(rule, pipeline);
    return async (c, next) => {
      const headers = c.get('headers');
      const admitted = await admit({
        headers: headers as Record<string, string | undefined>,
        cookies: parseCookies(headers.cookie),
        ip: addressOf(c),
      });
      c.set('user', admitted.user);
      for (const [name, value] of Object.entries(admitted.headers)) c.header(name, [value].flat().join(', '));
      await next();
    };
  };
  addNativeRoutes(app, guard);

  const unmatched = unmatchedRequestResolver(
    routes.map((mounted) => ({ method: mounted.route.method, path: mounted.path })),
    pipeline.registry,
  );
  app.notFound((c) => errorResponse(c, unmatched(c.req.method, c.req.path)));
  app.onError((error, c) => errorResponse(c, error));

  // Before Hono: the target made canonical and the early answers (shutdown, a malformed target or Host, a CORS
  // preflight) given here, as the other adapters give them before routing; @hono/node-server would otherwise
  // refuse a Host or target it cannot make a URL of with a bare 400 of its own.
  const listener = getRequestListener(app.fetch, {
    // an HTTP/1.0 request without a Host (a load balancer's probe) still gets a URL; ALLOWED_HOSTS judges it
    hostname: 'localhost',
    errorHandler: (error) => {
      const answer = toErrorResponse(
        error instanceof RequestError ? new BadRequest('Malformed request: the request line or headers could not be parsed.') : error,
      );
      const headers = { 'X-Request-Id': randomUUID(), ...options.securityHeaders, 'Content-Type': 'application/json; charset=utf-8' };
      return new Response(JSON.stringify(answer.body), { status: answer.status, headers });
    },
  });
  const handle = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const requestId = () => requestIdFrom(incoming.headers['x-request-id'], randomUUID);
    try {
      incoming.url = canonicalTarget(incoming.url ?? '/');
      const early = earlyAnswer(options, lifecycle, incoming);
      observeResponse(options, incoming, outgoing, () => matchedRoutes.get(incoming));
      checked.add(incoming);
      if (!early) return void listener(incoming, outgoing);
      outgoing.setHeader('X-Request-Id', requestId());
      for (const [name, value] of Object.entries(answerHeaders(options, incoming))) outgoing.setHeader(name, value);
      writeAnswer(outgoing, early);
    } catch (error) {
      // this runs in Node's own request listener, where a throw would end the process: a bug here is a 500
      logger.error({ err: error }, 'request failed before routing');
      if (outgoing.headersSent) return void outgoing.destroy();
      outgoing.setHeader('X-Request-Id', requestId());
      for (const [name, value] of Object.entries(options.securityHeaders)) outgoing.setHeader(name, value);
      writeAnswer(outgoing, toErrorResponse(error));
    }
  };

  return { hono: app, ...nodeServer(handle, lifecycle, options) };
}

/** Only JSON bodies are read, by the parser every adapter uses; any other media type with a body is a 415. */
async function readBody(c: Context<Env>): Promise<unknown> {
  const headers = c.get('headers');
  if (isJsonMediaType(headers['content-type'])) {
    assertIdentityEncoding(headers);
    return parseJsonBody(await bodyText(c));
  }
  // a fetch Request built in-process has a body without a Content-Length header
  if (c.env?.incoming ? hasBody(headers) : c.req.raw.body !== null)
    throw new UnsupportedMediaType(headers['content-type']?.split(';')[0]?.trim() || 'none');
  return undefined;
}

/** The body as text; a client that goes away before sending all of it is a client error, not one of ours to log. */
async function bodyText(c: Context<Env>): Promise<string> {
  try {
    return await c.req.text();
  } catch (error) {
    if ((error as { code?: string }).code === 'ECONNRESET') throw new BadRequest('The request body ended before it was complete.');
    throw error;
  }
}

function respond(c: Context<Env>, result: RawResponse): Response {
  const { headers } = result;
  // The common answer, JSON with one value per header, as a Response over a plain header object: @hono/node-server
  // writes that straight to Node, where c.header()/c.json() would go through a fetch Headers object and back (a
  // few percent more requests a second on a list or /me: measure with autocannon before going back to c.json()).
  // The request id is set here too: c.header() only reaches responses Hono itself builds.
  // Content-Length is set on every body: a HEAD answer (Hono drops the body of the GET it ran) keeps it, as on the
  // other frameworks.
  if (result.body !== undefined && typeof result.body !== 'string' && !Object.values(headers).some(Array.isArray)) {
    const text = JSON.stringify(result.body);
    return new Response(text, {
      status: result.status,
      headers: {
        'X-Request-Id': c.get('requestId'),
        ...c.get('answerHeaders'),
        'Content-Type': 'application/json; charset=utf-8',
        ...(headers as Record<string, string>),
        'Content-Length': String(Buffer.byteLength(text)),
      },
    });
  }
  for (const [name, value] of Object.entries(result.headers)) {
    if (Array.isArray(value)) for (const item of value) c.header(name, item, { append: true });
    else c.header(name, value);
  }
  if (result.body === undefined) return c.body(null, result.status as StatusCode);
  if (typeof result.body === 'string') return withLength(c, result.body, result.status);
  // not c.json(): the same Content-Type, charset included, as every other answer and framework
  c.header('Content-Type', 'application/json; charset=utf-8');
  return withLength(c, JSON.stringify(result.body), result.status);
}

function withLength(c: Context<Env>, text: string, status: number): Response {
  c.header('Content-Length', String(Buffer.byteLength(text)));
  return c.body(text, status as ContentfulStatusCode);
}

function errorResponse(c: Context<Env>, error: unknown): Response {
  const result = toErrorResponse(error);
  if (result.unexpected) c.get('log').error({ err: error }, 'request failed');
  for (const [name, value] of Object.entries(result.headers)) c.header(name, value);
  c.header('Content-Type', 'application/json; charset=utf-8');
  return withLength(c, JSON.stringify(result.body), result.status);
}

/** A fetch Request's headers as Node's record: lower-case names, a Host from the URL when none was sent (fetch sets none). */
function headersOf(request: Request): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = Object.create(null);
  for (const [name, value] of request.headers) headers[name] = value;
  headers.host ??= new URL(request.url).host;
  return headers;
}

/**
 * A fetch Request as earlyAnswer() reads a Node request. Its URL's dot segments were resolved when the Request was
 * built (`/api/v1/./x` is `/api/v1/x`) and Hono decodes %-escapes as it matches, so the path checked here is the path
 * routed; the Node handler makes a target canonical itself (canonicalTarget) before Hono sees it.
 */
function fromFetch(request: Request, headers: IncomingHttpHeaders): Parameters<typeof earlyAnswer>[2] {
  const url = new URL(request.url);
  const rawHeaders = Object.entries(headers).flatMap(([name, value]) => [name, String(value)]);
  return { method: request.method, url: `${url.pathname}${url.search}`, headers, rawHeaders, httpVersion: '1.1' };
}

/**
 * The URL links are built on: PUBLIC_URL's origin when set, else the Request's scheme and its Host header (the one
 * ALLOWED_HOSTS judged, as on Node), never a host only the Request's URL names.
 */
function fetchUrl(requestUrl: string, host: string | undefined, publicOrigin: string | undefined): URL {
  const url = new URL(requestUrl);
  return absoluteUrl(`${url.pathname}${url.search}`, publicOrigin ?? `${url.protocol}//${host ?? url.host}`);
}

/** `?a=1&a=2&b=3` as `{ a: ['1', '2'], b: '3' }`, the shape Express and Fastify give. */
function queryOf(params: URLSearchParams): Record<string, string | string[]> {
  // no prototype: a `__proto__` parameter is a key like any other
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of params) {
    const seen = query[key];
    query[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}
