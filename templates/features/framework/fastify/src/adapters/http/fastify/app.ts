import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  ApiError,
  BadRequest,
  NotFound,
  ParseError,
  PayloadTooLarge,
  toErrorResponse,
  UnsupportedMediaType,
} from '../../../core/errors.js';
import {
  absoluteUrl,
  answerHeaders,
  assertIdentityEncoding,
  canonicalTarget,
  drainServer,
  earlyAnswer,
  observeResponse,
  Lifecycle,
  parseCookies,
  parseJsonBody,
  requestIdFrom,
  targetProblem,
  type HttpApp,
  type HttpAppOptions,
} from '../../../core/http.js';
import { successBody } from '../../../core/openapi.js';
import { compileTrust, linkOrigin } from '../../../core/proxy.js';
import { createNativeGate, createRouteHandler, type GateRule, type RawResponse } from '../../../core/pipeline.js';
import type { AuthUser } from '../../../core/routes.js';
import { answerClientError } from '../../../core/security.js';
import { unmatchedRequestResolver } from '../../../core/versioning.js';
import type { Logger } from '../../../logger.js';
import { nativeRoutes } from './native.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the caller, on a native route behind guard(); null when anonymous */
    user: AuthUser | null;
  }
}

/** guard({ access, throttle }): a preHandler giving a native route the generated routes' gate. */
export type Guard = (rule: GateRule) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
/** The Fastify instance the API runs on (its logger is the app's pino). */
export type FastifyApp = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>;
/** Adds your own Fastify routes (src/adapters/http/fastify/native.ts). */
export type NativeRoutes = (app: FastifyApp, guard: Guard) => void;

/**
 * The only file that knows Fastify: it mounts the framework-agnostic route
 * definitions as native routes and turns Fastify's own errors (bad JSON, body
 * too large, unknown media type, no route) into the API's error types.
 */
export function createHttpApp(
  options: HttpAppOptions,
  addNativeRoutes: NativeRoutes = nativeRoutes,
): HttpApp & { fastify: ReturnType<typeof Fastify> } {
  const { routes, pipeline, logger } = options;
  // links are built on PUBLIC_URL when set; otherwise on the Host the request named (X-Forwarded-* only from a trusted proxy)
  const publicOrigin = options.publicUrl ? new URL(options.publicUrl).origin : undefined;
  const trust = compileTrust(options.trustProxy);
  const app = Fastify({
    loggerInstance: logger,
    genReqId: (request) => requestIdFrom(request.headers['x-request-id'], randomUUID),
    trustProxy: trustProxyOption(options.trustProxy),
    bodyLimit: options.bodyLimit,
    // a segment of any length reaches its route (an over-long id is the route's 404, counted like any request)
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16_384 },
    // routed as every adapter routes it (`/api/v1/./%70roducts` is `/api/v1/products`)
    rewriteUrl: (request) => canonicalTarget(request.url ?? '/'),
    // a URL Fastify cannot route answers in the envelope too, never echoing the path: a malformed %-escape is a 400
    frameworkErrors: (_error, request, reply) => {
      // refused before onRequest runs: counted here, with no route, as the other adapters count it
      observeResponse(options, request.raw, reply.raw, () => undefined);
      sendError(unroutableUrl(request.url), request, reply, answerHeaders(options, request));
    },
    // the HTTP parser's own refusals (431, a malformed request line) answer in the envelope too
    clientErrorHandler: (error, socket) => answerClientError(error, socket, options.securityHeaders, randomUUID()),
    // a request without a Host header reaches earlyAnswer, which answers it in the envelope (Node's is bare)
    http: { requireHostHeader: false },
    forceCloseConnections: 'idle',
    // a request arriving while it shuts down is answered by the onRequest hook below, in the envelope
    return503OnClosing: false,
    connectionTimeout: 30_000,
    keepAliveTimeout: 5_000,
    requestTimeout: 30_000,
  });

  // callback style: an async hook costs a promise on every request
  const lifecycle = new Lifecycle();
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id).headers(answerHeaders(options, request));
    const early = earlyAnswer(options, lifecycle, {
      method: request.method,
      url: request.url,
      headers: request.headers,
      rawHeaders: request.raw.rawHeaders,
      httpVersion: request.raw.httpVersion,
    });
    // an early answer comes before routing on every framework: no route pattern
    observeResponse(options, request.raw, reply.raw, () => (early ? undefined : request.routeOptions.url));
    if (early) return void send(reply, early);
    lifecycle.track(request.raw, reply.raw);
    done();
  });

  // Only JSON bodies, read by the same parser every adapter uses; any other media type with a body is a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/(?:[\w.+-]+\+)?json(?:;|$)/i, { parseAs: 'string' }, (request, text, done) => {
    try {
      assertIdentityEncoding(request.headers);
      done(null, parseJsonBody(String(text)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.setErrorHandler((error, request, reply) =>
    sendError(fromFastifyError(error, request, options.bodyLimit), request, reply, answerHeaders(options, request)),
  );

  const unmatched = unmatchedRequestResolver(
    routes.map((mounted) => ({ method: mounted.route.method, path: mounted.path })),
    pipeline.registry,
  );
  app.setNotFoundHandler((request, reply) => {
    const { pathname } = new URL(request.url, 'http://localhost');
    sendError(unmatched(request.method, pathname), request, reply, answerHeaders(options, request));
  });

  app.decorateRequest('user', null);
  const guard: Guard = (rule) => {
    const admit = createNativeGate(rule, pipeline);
    return async (request, reply) => {
      const { user, headers } = await admit({
        headers: request.headers as Record<string, string | undefined>,
        cookies: parseCookies(request.headers.cookie),
        ip: request.ip,
      });
      request.user = user;
      reply.headers(headers);
    };
  };
  addNativeRoutes(app, guard);

  // The API's routes, as a plugin of their own registered after nativeRoutes: a plugin registered there with
  // fastify-plugin (as the @fastify/* plugins are: @fastify/compress, say) is loaded first, so it applies to them too.
  // Each carries the schema of its success body, the one its OpenAPI documents give, for a plugin that reads route
  // schemas. The answer is still written by JSON.stringify: fast-json-stringify, Fastify's default, writes a value
  // that breaks the schema as it coerces it (a null string as "", a null int as 0) and fails on a missing key, which
  // would turn an idempotent replay stored before a field was added into a 500; it measured about 1 % of a list.
  // Requests are validated by the route definitions, as on every framework, for the same errors.
  void app.register(async (api: FastifyApp) => {
    for (const mounted of routes) {
      const handle = createRouteHandler(mounted, pipeline);
      const success = successBody(mounted.route);
      api.route({
        method: mounted.route.method,
        url: mounted.path,
        ...(success ? { schema: { response: { [success.status]: success.schema } }, serializerCompiler: () => JSON.stringify } : {}),
        handler: async (request, reply) => {
          const response = await handle({
            url: absoluteUrl(request.url, publicOrigin ?? linkOrigin(request.raw, trust, pipeline.hostAllowed)),
            headers: request.headers as Record<string, string | undefined>,
            cookies: parseCookies(request.headers.cookie),
            params: request.params as Record<string, string>,
            query: request.query as Record<string, unknown>,
            body: request.body,
            ip: request.ip,
            requestId: request.id,
            log: request.log,
          });
          return send(reply, response);
        },
      });
    }
  });

  return {
    fastify: app,
    listen: async (port, host) => {
      // Fastify logs "Server listening at" itself; the server logs its own one line for every framework
      options.tracing.instrument(app.server);
      const level = app.log.level;
      app.log.level = 'warn';
      try {
        await app.listen({ port, host });
      } finally {
        app.log.level = level;
      }
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      return `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${actualPort}`;
    },
    close: () => {
      lifecycle.draining = true;
      return drainServer(app.server, () => app.close());
    },
    inFlight: () => lifecycle.inFlight,
    running: () => lifecycle.running,
    closeAllConnections: () => app.server.closeAllConnections(),
  };
}

function send(reply: FastifyReply, response: RawResponse): FastifyReply {
  reply.code(response.status).headers(response.headers);
  return response.body === undefined ? reply.send() : reply.send(response.body);
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply, fixedHeaders: Record<string, string>): void {
  const response = toErrorResponse(error);
  if (response.unexpected) request.log.error({ err: error }, 'request failed');
  // the request id and fixed headers are set again here: an error raised while routing comes before onRequest
  void reply
    .code(response.status)
    .header('X-Request-Id', request.id)
    .headers(fixedHeaders)
    .headers(response.headers)
    .type('application/json; charset=utf-8')
    .send(response.body);
}

/** A path the router refused: a 400 saying why when it cannot be decoded (as every adapter says it), else a 404. */
function unroutableUrl(url: string): ApiError {
  const problem = targetProblem(url);
  return problem ? new BadRequest(problem) : new NotFound();
}

/** Fastify's own errors, said as the API's error types; anything else passes through unchanged. */
function fromFastifyError(error: unknown, request: FastifyRequest, bodyLimit: number): unknown {
  switch ((error as FastifyError).code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType(request.headers['content-type']?.split(';')[0]?.trim() || 'none');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ParseError('the Content-Length header does not match the body');
    default: {
      // other client errors Fastify raises keep their status; their message is safe to show
      const status = (error as FastifyError).statusCode;
      if (!(error instanceof ApiError) && status && status >= 400 && status < 500) {
        return new ApiError(status, { detail: (error as FastifyError).message });
      }
      return error;
    }
  }
}

/**
 * A hop count becomes "trust the n nearest hops, whoever they are", as Express reads it. Fastify refuses a bare
 * count because it cannot check the nearest peer: use one only where nothing but the proxy can reach the app,
 * and prefer the proxy's addresses.
 */
function trustProxyOption(setting: HttpAppOptions['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}
