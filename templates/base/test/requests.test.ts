import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, expectError, startTestApp, type TestApp } from './support/app.js';
import { probeRegistry } from './support/probe.js';
import { parseRaw, raw } from './support/raw.js';

// How a request is read before any route runs: the same rules on every framework (core/http.ts).
describe('requests as every framework reads them', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry() });
  });
  afterAll(() => app.close());

  const send = async (bytes: string | Buffer) => parseRaw(await raw(app.url, bytes));

  it.each(['/api/v1/./probe/version', '/api/v1/x/../probe/version', '/api/v1/%70robe/version', '//api/v1//probe/version'])(
    '%s is routed as /api/v1/probe/version',
    async (path) => {
      const answer = await send(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ version: 'v1' });
    },
  );

  it.each([
    ['an invalid %-escape', 'GET /api/v1/%zz HTTP/1.1\r\nHost: 127.0.0.1', 'Malformed URL: the path has an invalid %-escape.'],
    ['a backslash', 'GET /api/v1/probe\\version HTTP/1.1\r\nHost: 127.0.0.1', 'Malformed URL: the path has a backslash.'],
    ['a target that is not a path', 'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1', 'Malformed URL: the request target must be a path.'],
    [
      'a Host with a path',
      'GET /api/v1/probe/version HTTP/1.1\r\nHost: 127.0.0.1/evil',
      'Invalid Host header: this API does not answer to that host.',
    ],
    [
      'a Host a URL reads otherwise',
      'GET /api/v1/probe/version HTTP/1.1\r\nHost: 127.1',
      'Invalid Host header: this API does not answer to that host.',
    ],
    [
      'two Host headers',
      'GET /api/v1/probe/version HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example',
      'Invalid Host header: this API does not answer to that host.',
    ],
    [
      'a Host a URL refuses',
      'GET /api/v1/probe/version HTTP/1.1\r\nHost: localhost:99999',
      'Invalid Host header: this API does not answer to that host.',
    ],
    ['no Host header at all', 'GET /api/v1/probe/version HTTP/1.1', 'Missing Host header: an HTTP/1.1 request must name the host.'],
    [
      'an absolute-form target',
      'GET http://evil.example/api/v1/probe/version HTTP/1.1\r\nHost: 127.0.0.1',
      'Malformed URL: the request target must be a path.',
    ],
  ])('%s is a 400 in the envelope', async (_name, head, detail) => {
    const answer = await send(`${head}\r\nConnection: close\r\n\r\n`);
    await expectError(answer, 400, { detail });
    expect(answer.headers['x-request-id']).toBeTruthy();
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each([
    ['no Host header', 'GET /health/live HTTP/1.1'],
    ['an empty Host', 'GET /health/live HTTP/1.1\r\nHost: '],
    ['a Host a URL refuses', 'GET /health/live HTTP/1.1\r\nHost: localhost:99999'],
    ['two Host headers', 'GET /health/live/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example'],
    ['HTTP/1.0 without a Host', 'GET /health/live HTTP/1.0'],
  ])('health checks answer whatever the Host: %s', async (_name, head) => {
    const answer = await send(`${head}\r\nConnection: close\r\n\r\n`);
    expect(answer.status).toBe(200);
    expect(answer.headers['x-request-id']).toBeTruthy();
  });

  it('OPTIONS is a method no route serves: 405 with the methods that are', async () => {
    const response = await app.request('/api/v1/probe', { method: 'OPTIONS' });
    await expectError(response, 405, { detail: 'Method "OPTIONS" not allowed.' });
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('a compressed body is a 415: bodies are read as sent, never inflated', async () => {
    const body = gzipSync(JSON.stringify({ name: 'x', quantity: 1, price: 1 }));
    const response = await app.request('/api/v1/probe', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
    });
    expect(response.status).toBe(415);
    expect((await envelope(response)).errors).toEqual({
      detail: 'Unsupported Content-Encoding "gzip" in request: send the body uncompressed.',
    });
  });

  it('HEAD answers with the length a GET would have, and no body', async () => {
    const get = await app.request('/api/v1/probe/version');
    const text = await get.text();
    const answer = await send('HEAD /api/v1/probe/version HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    expect(answer.body).toBe('');
  });

  it('a body that ends before its Content-Length is a 400 in the envelope', async () => {
    const answer = await send(
      'POST /api/v1/probe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":',
    );
    await expectError(answer, 400);
    expect((await app.request('/health/live')).status).toBe(200);
  });
});
