// Where Prometheus scrapes: GET /metrics on the API port behind METRICS_TOKEN (a
// bearer token compared in constant time), or, with METRICS_PORT, a server of
// its own on that port that answers nothing else, for a port that is never public.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { NotAuthenticated, NotFound, toErrorResponse } from '../core/errors.js';
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
 * A server of its own on METRICS_PORT: GET /metrics (with METRICS_TOKEN set, only with it), and a 404 in the envelope
 * for anything else. It listens on the API's HOST: keep the port off the public network, or set the token.
 */
export async function startMetricsServer(registry: Registry, port: number, host: string, token?: string): Promise<Server> {
  const server = createServer((request, response) => {
    void (async () => {
      if (token !== undefined && !sameToken(request.headers.authorization, token)) {
        const { status, body } = toErrorResponse(new NotAuthenticated('The metrics token is missing or wrong.'));
        response
          .writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'WWW-Authenticate': 'Bearer realm="metrics"' })
          .end(JSON.stringify(body));
        return;
      }
      if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics') {
        const body = await registry.metrics();
        response.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' }).end(body);
        return;
      }
      const { status, body } = toErrorResponse(new NotFound());
      response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    })().catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return server;
}
