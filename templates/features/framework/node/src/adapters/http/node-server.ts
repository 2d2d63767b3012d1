import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { drainServer, type HttpApp, type HttpAppOptions, type Lifecycle } from '../../core/http.js';
import { answerClientError } from '../../core/security.js';
import type { Logger } from '../../logger.js';

/**
 * The Node HTTP server an adapter's request listener runs on (Express and Hono; Fastify has its own): listening,
 * the parser's own refusals in the envelope, its timeouts, and the drain at shutdown.
 */
export function nodeServer(
  listener: RequestListener,
  lifecycle: Lifecycle,
  options: Pick<HttpAppOptions, 'tracing' | 'securityHeaders'>,
): HttpApp {
  let server: Server | undefined;
  let closing: Promise<void> | undefined;
  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        // a request without a Host header reaches earlyAnswer, which answers it in the envelope (Node's is bare)
        const http = createServer({ requireHostHeader: false }, listener);
        server = http;
        // made here rather than by the framework's listen(): the tracing wraps its request listener before it listens
        options.tracing.instrument(http);
        http.once('error', reject);
        // the HTTP parser's own refusals (431, a malformed request line) answer in the envelope too
        http.on('clientError', (error: Error, socket: Duplex) => answerClientError(error, socket, options.securityHeaders, randomUUID()));
        http.keepAliveTimeout = 5_000;
        http.requestTimeout = 30_000;
        http.headersTimeout = 30_000;
        http.listen(port, host, () => {
          const address = http.address();
          const actualPort = typeof address === 'object' && address ? address.port : port;
          resolve(`http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${actualPort}`);
        });
      }),
    close: () => {
      lifecycle.draining = true;
      // stop accepting, let in-flight requests finish, drop idle keep-alive connections
      closing ??= server ? drainServer(server) : Promise.resolve();
      return closing;
    },
    inFlight: () => lifecycle.inFlight,
    running: () => lifecycle.running,
    closeAllConnections: () => server?.closeAllConnections(),
  };
}

/** Whether a request carries a body at all (RFC 9112: a length, or a chunked transfer). */
export function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** The line logged when a response has gone out (skipped without touching `log` when info is off). */
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
