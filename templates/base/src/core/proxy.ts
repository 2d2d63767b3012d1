import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import { HOST_SYNTAX, type HttpAppOptions } from './http.js';

/** Whether the hop at `hop` (0: the socket's peer) is a proxy TRUST_PROXY names. */
export type Trust = (address: string, hop: number) => boolean;

/** false, a hop count ("the n nearest hops, whoever they are") or proxy addresses/CIDRs, as Express and Fastify read them. */
export function compileTrust(setting: HttpAppOptions['trustProxy']): Trust {
  if (setting === false) return () => false;
  if (setting === true) return () => true;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return proxyaddr.compile(setting);
}

/** The client's address: the socket's peer, or the nearest address a trusted proxy forwarded (proxy-addr). */
export function clientAddress(request: IncomingMessage, trust: Trust, trusting: boolean): string {
  // trusting no proxy, the client is the socket's peer: no X-Forwarded-For to parse
  return trusting ? proxyaddr(request, trust) : (request.socket.remoteAddress ?? '');
}

/**
 * The origin links (`next`, `previous`) are built on when PUBLIC_URL is unset: the request's own scheme and Host,
 * or, from a trusted proxy, X-Forwarded-Proto and X-Forwarded-Host. Of several comma-joined values the last is
 * read: the one the nearest proxy, the trusted one, added (a client can write the first). A forwarded scheme other
 * than http/https, or a forwarded host that is malformed or not in ALLOWED_HOSTS, is ignored. Written once here so
 * the three frameworks, which read these headers differently (first value or last), build the same links.
 */
export function linkOrigin(request: IncomingMessage, trust: Trust, hostAllowed: ((hostname: string) => boolean) | null): string {
  const encrypted = (request.socket as { encrypted?: boolean }).encrypted === true;
  let scheme = encrypted ? 'https' : 'http';
  let host = request.headers.host || 'localhost';
  if (trust(request.socket.remoteAddress ?? '', 0)) {
    const proto = lastValue(request.headers['x-forwarded-proto'])?.toLowerCase();
    if (proto === 'http' || proto === 'https') scheme = proto;
    const forwarded = lastValue(request.headers['x-forwarded-host']);
    if (forwarded && HOST_SYNTAX.test(forwarded) && (!hostAllowed || hostAllowed(forwarded.replace(/:\d+$/, '').toLowerCase())))
      host = forwarded;
  }
  return `${scheme}://${host}`;
}

function lastValue(header: string | string[] | undefined): string | undefined {
  const joined = Array.isArray(header) ? header.join(',') : header;
  return joined?.split(',').at(-1)?.trim() || undefined;
}
