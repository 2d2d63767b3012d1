// HTTP as bytes on a socket: what the differential and property tests send and read, so nothing between them and
// the server (fetch, undici, node:http) normalizes a request or an answer away.
import { connect } from 'node:net';

export interface WireAnswer {
  status: number;
  /** header names lower-cased, in the order sent; a repeated header keeps every value */
  headers: [string, string][];
  body: Buffer;
  /** the server neither answered nor closed within the time allowed */
  timedOut: boolean;
}

/**
 * Sends one request as the given bytes on a fresh connection and reads until the server closes it (every request
 * built by `requestBytes` says `Connection: close`), or `timeoutMs` passes.
 */
export function exchange(url: string, bytes: Buffer, timeoutMs = 5_000, halfClose = false): Promise<WireAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => (halfClose ? socket.end(bytes) : socket.write(bytes)));
    const finish = (timedOut: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseAnswer(Buffer.concat(chunks)), timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => finish(false));
    // a server that resets the connection after answering: what it sent is the answer
    socket.on('error', () => finish(false));
  });
}

export interface WireRequest {
  method: string;
  /** the request target exactly as sent: not encoded or checked here */
  target: string;
  headers?: [string, string][];
  body?: Buffer | string;
  /** send the body as chunks with `Transfer-Encoding: chunked` */
  chunked?: boolean;
  /** these bytes instead, exactly: what no client library would send */
  raw?: Buffer;
  /** close the sending side once the bytes are out (a client that gives up mid-body) */
  halfClose?: boolean;
}

/** An HTTP/1.1 request with `Host: 127.0.0.1` and `Connection: close` unless the headers name their own. */
export function requestBytes(request: WireRequest): Buffer {
  if (request.raw) return request.raw;
  const headers = [...(request.headers ?? [])];
  const named = (name: string) => headers.some(([key]) => key.toLowerCase() === name);
  if (!named('host')) headers.unshift(['Host', '127.0.0.1']);
  if (!named('connection')) headers.push(['Connection', 'close']);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  let payload = body ?? Buffer.alloc(0);
  if (body && request.chunked) {
    headers.push(['Transfer-Encoding', 'chunked']);
    const half = Math.ceil(body.length / 2);
    const parts = [body.subarray(0, half), body.subarray(half)].filter((part) => part.length > 0);
    payload = Buffer.concat([
      ...parts.flatMap((part) => [Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]),
      Buffer.from('0\r\n\r\n'),
    ]);
  } else if (body && !named('content-length')) {
    headers.push(['Content-Length', String(body.length)]);
  }
  const head = `${request.method} ${request.target} HTTP/1.1\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

/** Status line, headers and body (chunked transfer decoded) of a raw answer; status 0 when there was none. */
export function parseAnswer(raw: Buffer): Omit<WireAnswer, 'timedOut'> {
  // an interim answer (`100 Continue`) comes before the one that counts
  while (/^HTTP\/1\.[01] 1\d\d /.test(raw.subarray(0, 13).toString('latin1')) && raw.indexOf('\r\n\r\n') >= 0)
    raw = raw.subarray(raw.indexOf('\r\n\r\n') + 4);
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: [], body: raw };
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const headers = lines.map((line): [string, string] => [
    line.slice(0, line.indexOf(':')).trim().toLowerCase(),
    line.slice(line.indexOf(':') + 1).trim(),
  ]);
  let body = raw.subarray(end + 4);
  if (headers.some(([name, value]) => name === 'transfer-encoding' && value.toLowerCase() === 'chunked')) body = dechunk(body);
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
