import type { Logger } from '../logger.js';
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
}

/** The app as the server process and the tests see it, whatever the framework. */
export interface HttpApp {
  /** starts listening; resolves to the base URL (`http://127.0.0.1:3000`) */
  listen(port: number, host: string): Promise<string>;
  /** stops accepting connections and waits for in-flight requests */
  close(): Promise<void>;
}

/** `X-Request-Id` is echoed when the client sent a sane one, so a trace spans services. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined, generate: () => string): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SANE_REQUEST_ID.test(value) ? value : generate();
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
