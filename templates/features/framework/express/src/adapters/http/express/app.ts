import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { ApiError, ParseError, PayloadTooLarge, toErrorResponse, UnsupportedMediaType } from '../../../core/errors.js';
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
import { compileTrust, linkOrigin } from '../../../core/proxy.js';
import { createNativeGate, createRouteHandler, type GateRule } from '../../../core/pipeline.js';
import type { AuthUser } from '../../../core/routes.js';
import { unmatchedRequestResolver } from '../../../core/versioning.js';
import type { Logger } from '../../../logger.js';
import { hasBody, logCompleted, nodeServer } from '../node-server.js';
import { nativeRoutes } from './native.js';

export interface Locals {
  requestId: string;
  log: Logger;
  /** the caller, on a native route behind guard(); null when anonymous */
  user?: AuthUser | null;
}

/** guard({ access, throttle }): a middleware giving a native route the generated routes' gate. */
export type Guard = (rule: GateRule) => (request: Request, response: Response<unknown, Locals>, next: NextFunction) => Promise<void>;
/**
 * Adds your own Express routes (src/adapters/http/express/native.ts) to `app`, mounted after the generated routes,
 * and middleware that runs for every request, the generated routes included, to `before`, mounted before them.
 */
export type NativeRoutes = (app: express.Router, guard: Guard, before: express.Router) => void;

/**
 * The only file that knows Express: it mounts the framework-agnostic route
 * definitions on an Express 5 router (whose async handlers pass rejections to
 * the error middleware) and turns Express's own errors (bad JSON, body too
 * large, unknown media type, no route) into the API's error types.
 */
export function createHttpApp(
  options: HttpAppOptions,
  addNativeRoutes: NativeRoutes = nativeRoutes,
): HttpApp & { express: express.Express } {
  const { routes, pipeline, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  // no ETag hashing of every body, as Fastify and Hono do not either: the same API whatever the framework
  app.set('etag', false);
  // false, a hop count or proxy addresses: Express reads them as Fastify and Hono do here
  app.set('trust proxy', options.trustProxy);
  const trust = compileTrust(options.trustProxy);
  const publicOrigin = options.publicUrl ? new URL(options.publicUrl).origin : undefined;

  const unmatched = unmatchedRequestResolver(
    routes.map((mounted) => ({ method: mounted.route.method, path: mounted.path })),
    pipeline.registry,
  );
  const lifecycle = new Lifecycle();
  app.use((request: Request, response: Response<unknown, Locals>, next: NextFunction) => {
    const startedAt = process.hrtime.bigint();
    response.locals.requestId = requestIdFrom(request.headers['x-request-id'], randomUUID);
    response.locals.log = requestLogger(logger, response.locals.requestId);
    response.setHeader('X-Request-Id', response.locals.requestId);
    for (const [name, value] of Object.entries(answerHeaders(options, request))) response.setHeader(name, value);
    // routed as every adapter routes it (`/api/v1/./%70roducts` is `/api/v1/products`)
    request.url = request.originalUrl = canonicalTarget(request.url);
    const early = earlyAnswer(options, lifecycle, request);
    // the pattern of the route that answered (an early answer or a 404 has none); a route of a router the user
    // mounted under a path is 'native': its mount path may hold parameters, and a label must never hold a value
    observeResponse(options, request, response, () =>
      request.route ? (request.baseUrl ? 'native' : String(request.route.path)) : undefined,
    );
    if (early) return void send(response, early);
    // no route serves OPTIONS (a CORS preflight is answered above): the 405 of any other method, where Express's
    // router would answer 200 with an Allow list of its own
    if (request.method === 'OPTIONS') return void sendError(unmatched(request.method, request.path), response);
    lifecycle.track(request, response);
    // no listener at all when the completion line would not be logged: one closure less on every request
    if (logger.isLevelEnabled('info')) {
      response.on('finish', () =>
        logCompleted(logger, response.locals.log, { method: request.method, url: request.originalUrl }, response.statusCode, startedAt),
      );
    }
    next();
  });
  // Only JSON bodies, read as text and parsed by the parser every adapter uses; any other media type with a body
  // is a 415. Mounted on the routes that take a body, so the others pay nothing for it.
  const readBody = [
    (request: Request, _response: Response, next: NextFunction) => {
      if (isJsonMediaType(request.headers['content-type'])) assertIdentityEncoding(request.headers);
      next();
    },
    express.text({ type: (request) => isJsonMediaType(request.headers['content-type']), limit: options.bodyLimit, inflate: false }),
    (request: Request, _response: Response, next: NextFunction) => {
      if (typeof request.body === 'string') request.body = parseJsonBody(request.body);
      else if (hasBody(request.headers)) throw new UnsupportedMediaType(request.headers['content-type']?.split(';')[0]?.trim() || 'none');
      next();
    },
  ];

  const guard: Guard = (rule) => {
    const admit = createNativeGate(rule, pipeline);
    return async (request, response, next) => {
      const { user, headers } = await admit({
        headers: request.headers as Record<string, string | undefined>,
        cookies: parseCookies(request.headers.cookie),
        ip: request.ip ?? '',
      });
      response.locals.user = user;
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      next();
    };
  };
  // The owner's two routers: `before`, mounted ahead of the generated routes, for middleware that runs for them too
  // (`before.use(compression())`); `native`, after them, for routes of their own, so a router-level middleware there
  // (`app.use(express.json())` for a webhook) never reaches a generated route.
  const before = express.Router({ strict: false, caseSensitive: true });
  const native = express.Router({ strict: false, caseSensitive: true });
  addNativeRoutes(native, guard, before);
  // left out while it holds nothing: Express walks even an empty router on every request (measured: 1-3 % of a list)
  if (before.stack.length > 0) app.use(before);

  const router = express.Router({ strict: false, caseSensitive: true });
  for (const mounted of routes) {
    const handle = createRouteHandler(mounted, pipeline);
    const method = mounted.route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    router[method](mounted.path, ...(mounted.route.body ? readBody : []), async (request: Request, response: Response<unknown, Locals>) => {
      const result = await handle({
        url: absoluteUrl(request.originalUrl, publicOrigin ?? linkOrigin(request, trust, pipeline.hostAllowed)),
        headers: request.headers as Record<string, string | undefined>,
        cookies: parseCookies(request.headers.cookie),
        params: request.params as Record<string, string>,
        query: request.query as Record<string, unknown>,
        body: request.body,
        ip: request.ip ?? '',
        requestId: response.locals.requestId,
        log: response.locals.log,
      });
      send(response, result);
    });
  }
  app.use(router);
  app.use(native);

  app.use((request: Request, response: Response<unknown, Locals>) => sendError(unmatched(request.method, request.path), response));
  app.use((error: unknown, _request: Request, response: Response<unknown, Locals>, _next: NextFunction) =>
    sendError(fromExpressError(error, options.bodyLimit), response),
  );

  return { express: app, ...nodeServer(app, lifecycle, options) };
}

/**
 * Answers through Node's own writeHead/end (core/http.ts), not res.json: Express's res.send turns the text into a
 * Buffer, parses the content type to set its charset and tests freshness on every response (nothing is ever
 * fresh here: the API's ETags are its own, set by the pipeline). Skipping that is a few percent more requests a
 * second on a list; measure with autocannon before going back to res.json.
 */
const send = writeAnswer;

function sendError(error: unknown, response: Response<unknown, Locals>): void {
  const result = toErrorResponse(error);
  if (result.unexpected) response.locals.log.error({ err: error }, 'request failed');
  if (response.headersSent) return void response.end();
  send(response, result);
}

/** body-parser's errors, said as the API's error types; anything else passes through unchanged. */
function fromExpressError(error: unknown, bodyLimit: number): unknown {
  if (error instanceof ApiError) return error;
  switch ((error as { type?: string }).type) {
    case 'entity.too.large':
      return new PayloadTooLarge(bodyLimit);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaType(String((error as { charset?: string }).charset ?? 'unknown charset'));
    case 'request.size.invalid':
      return new ParseError('the Content-Length header does not match the body');
    default: {
      // other client errors Express raises (a malformed %-escape in the path) keep their status
      const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
      if (status && status >= 400 && status < 500) return new ApiError(status, { detail: (error as Error).message });
      return error;
    }
  }
}
