import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { probeRegistry } from './support/probe.js';

const ORIGIN = 'https://app.example.com';

describe('CORS (CORS_ORIGINS set): the same policy on every framework', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry(), env: { CORS_ORIGINS: `${ORIGIN},https://admin.example.com` } });
  });
  afterAll(() => app.close());

  const preflight = (origin: string, method: string, headers = 'authorization,content-type') =>
    app.request('/api/v1/probe', {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers },
    });

  it.each(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])('a preflight for %s from an allowed origin is allowed', async (method) => {
    const response = await preflight(ORIGIN, method);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    const methods = response.headers
      .get('access-control-allow-methods')!
      .split(',')
      .map((item) => item.trim());
    expect(methods).toContain(method);
    const allowed = response.headers
      .get('access-control-allow-headers')!
      .toLowerCase()
      .split(',')
      .map((item) => item.trim());
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key']));
    expect(response.headers.get('access-control-max-age')).toBe('600');
  });

  it('the exact preflight answer', async () => {
    const response = await preflight(ORIGIN, 'PATCH');
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control') || name === 'vary'))).toEqual({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
      'access-control-allow-headers': 'Authorization, Content-Type, X-Request-Id, If-Match, If-None-Match, Idempotency-Key',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(await response.text()).toBe('');
  });

  it('another origin gets no CORS headers', async () => {
    const response = await preflight('https://evil.example', 'DELETE');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('a request without an Origin gets no CORS headers, only Vary: Origin', async () => {
    const response = await app.request('/api/v1/probe/version');
    expect([...response.headers.keys()].filter((name) => name.startsWith('access-control'))).toEqual([]);
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('an error answer to an allowed origin carries the grant, so the browser lets the client read it', async () => {
    const response = await app.request('/nowhere', { headers: { Origin: ORIGIN } });
    expect(response.status).toBe(404);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it('an actual request from an allowed origin may read the request id, rate-limit, ETag, Location and Idempotent-Replayed headers', async () => {
    const response = await app.request('/api/v1/probe/version', { headers: { Origin: ORIGIN } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-expose-headers')).toBe(
      'X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Deprecation, Sunset, Link, ETag, Location, Idempotent-Replayed',
    );
  });
});
