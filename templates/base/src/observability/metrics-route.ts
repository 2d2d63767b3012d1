// Where Prometheus scrapes: GET /metrics on the API port behind METRICS_TOKEN (a
// bearer token compared in constant time), or, with METRICS_PORT, a server of
// its own on that port that answers nothing else, for a port that is never public.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { MethodNotAllowed, NotAuthenticated, NotFound, toErrorResponse } from '../core/errors.js';
import { requestIdFrom, writeAnswer } from '../core/http.js';
import { securityHeaders } from '../core/security.js';
import { defineRoute, HttpResult, type MountedRoute } from '../core/routes.js';
import type { Registry } from 'prom-client';

const sameToken = (given: string | undefined, token: string): boolean => {
  const [a, b] = [Buffer.from(given ?? ''), Buffer.from(`Bearer ${token}`)];
  return a.length === b.length && timingSafeEqual(a, b);
};

/** GET /metrics on the API port: a 401 in the envelope without the token. */
export function metricsRoute(registry: Registry, token: string): MountedRoute {
  const route = defineRoute({
    method: 'GET',
    path: '/metrics',
    access: 'public',
    throttle: false,
    authenticate: false,
    // a scraper addresses an instance by its IP, as a load balancer's probe does
    anyHost: true,
    summary: 'Prometheus metrics (METRICS_TOKEN)',
    handler: async ({ headers }) => {
      if (!sameToken(headers.authorization, token)) throw new NotAuthenticated('The metrics token is missing or wrong.');
      return new HttpResult(200, await registry.metrics(), { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
    },
  });
  return { route, version: null, path: '/metrics' };
}

/**
 * A server of its own on METRICS_PORT: GET /metrics (with METRICS_TOKEN set, only with it); another method there is
 * a 405, any other path a 404, in the envelope. Its answers carry the request id and security headers the API's do.
 * It listens on the API's HOST: keep the port off the public network, or set the token.
 */
export async function startMetricsServer(
  registry: Registry,
  port: number,
  host: string,
  options: { token?: string; hsts?: boolean } = {},
): Promise<Server> {
  const security = securityHeaders({ hsts: options.hsts ?? false });
  const server = createServer((request, response) => {
    const headers = { ...security, 'X-Request-Id': requestIdFrom(request.headers['x-request-id'], randomUUID) };
    const fail = (error: Error, extra: Record<string, string> = {}) => {
      const answer = toErrorResponse(error);
      writeAnswer(response, { ...answer, headers: { ...headers, ...answer.headers, ...extra } });
    };
    void (async () => {
      if (options.token !== undefined && !sameToken(request.headers.authorization, options.token)) {
        return fail(new NotAuthenticated('The metrics token is missing or wrong.'), { 'WWW-Authenticate': 'Bearer realm="metrics"' });
      }
      if (request.url?.split('?')[0] !== '/metrics') return fail(new NotFound());
      if (request.method !== 'GET' && request.method !== 'HEAD') return fail(new MethodNotAllowed(request.method ?? '', ['GET', 'HEAD']));
      const body = await registry.metrics();
      writeAnswer(response, {
        status: 200,
        headers: { ...headers, 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' },
        body,
      });
    })().catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return server;
}
