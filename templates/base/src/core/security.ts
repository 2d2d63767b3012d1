import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody } from './envelope.js';

/**
 * The security headers every response carries, on every framework: one
 * policy, written once, applied by each adapter before anything else runs (so
 * errors and 404s carry them too). The CSP is for JSON: nothing may load,
 * nothing may frame it. `/docs` sends its own CSP (core/docs.ts).
 */
export function securityHeaders(options: { hsts: boolean }): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    // only behind HTTPS (HSTS=true): a browser remembers it for a year, so it is never sent by accident
    ...(options.hsts ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/**
 * Django's ALLOWED_HOSTS rule: `api.example.com` matches that host, `.example.com`
 * the domain and its subdomains, `*` any host. Ports are ignored, case too.
 */
export function hostMatcher(allowed: readonly string[]): (hostname: string) => boolean {
  const patterns = allowed.map((entry) => entry.toLowerCase());
  if (patterns.includes('*')) return () => true;
  return (hostname) => {
    const host = hostname.toLowerCase().replace(/\.$/, '');
    return patterns.some((pattern) => (pattern.startsWith('.') ? host === pattern.slice(1) || host.endsWith(pattern) : host === pattern));
  };
}

/** An ALLOWED_HOSTS entry: `*`, a hostname or IP address, or `.domain` for a domain and its subdomains. */
export const ALLOWED_HOST_PATTERN = /^(\*|\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])$/i;

/**
 * The answer to a request the HTTP server refused before any route ran
 * (headers too large, a malformed request line, a request that took too
 * long): the envelope, with a request id and the security headers, written
 * straight to the socket, and the connection closed. Every adapter hands its
 * server's client errors here, so the bytes are the same on every framework.
 */
export function answerClientError(
  error: Error & { code?: string },
  socket: Duplex,
  headers: Record<string, string>,
  requestId: string,
): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request header fields too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request took too long to arrive.']
        : [400, 'Malformed request: the request line or headers could not be parsed.'];
  const body = JSON.stringify(errorBody(status, { detail }));
  const lines = Object.entries({
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Request-Id': requestId,
    Connection: 'close',
  }).map(([name, value]) => `${name}: ${value}`);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
}
