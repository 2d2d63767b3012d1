import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, expectError, startTestApp, type TestApp } from './support/app.js';
import { parseRaw, raw, withHost } from './support/raw.js';
import { createProbeTable, insertProbeItems, probeRegistry } from './support/probe.js';

const SECURITY = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

describe('security headers: one policy on every response', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry() });
  });
  afterAll(() => app.close());

  it.each([
    ['a success', '/api/v1/probe/version', {}, 200],
    ['an unknown route', '/nowhere', {}, 404],
    ['a method not allowed', '/api/v1/probe/version', { method: 'DELETE' }, 405],
    ['malformed JSON', '/api/v1/probe', { method: 'POST', body: '{"name":', headers: { 'Content-Type': 'application/json' } }, 400],
    ['a health check', '/health/live', {}, 200],
  ] as const)('%s', async (_name, path, init, status) => {
    const response = await app.request(path, init);
    expect(response.status).toBe(status);
    for (const [name, value] of Object.entries(SECURITY)) expect(response.headers.get(name), name).toBe(value);
    expect(response.headers.get('strict-transport-security')).toBeNull();
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it("/docs loads only its own scripts and styles (and Swagger UI's one inline style, by hash); nothing frames it", async () => {
    const response = await app.request('/docs');
    const html = await response.text();
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toMatch(
      /^default-src 'none'; script-src 'self'; style-src 'self' 'sha256-[A-Za-z0-9+/]{43}='; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'$/,
    );
    // no inline script, nothing from another origin
    expect(html).not.toMatch(/<script>|<script [^>]*src="(?!\/docs\/)|https?:\/\//);
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources.filter((source) => source.startsWith('/docs/'))).toEqual([
      '/docs/assets/swagger-ui.css',
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/assets/swagger-ui-standalone-preset.js',
      '/docs/init.js',
    ]);
  });

  it('Strict-Transport-Security with HSTS=true', async () => {
    const https = await startTestApp({ registry: probeRegistry(), env: { HSTS: 'true' } });
    const response = await https.request('/api/v1/probe/version');
    await https.close();
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });

  it('a segment too long to be an id is a 404 that does not echo the path', async () => {
    const long = 'x'.repeat(600);
    const response = await app.request(`/api/v1/probe/${long}`);
    const body = await response.text();
    expect(body).not.toContain(long.slice(0, 50));
    await expectError({ status: response.status, body }, 404, { detail: 'Not found.' });
  });
});

describe("the HTTP server's own refusals answer in the envelope", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry() });
  });
  afterAll(() => app.close());

  it.each([
    ['headers too large (20 KB)', `GET /api/v1/probe/version HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['a raw space in the path', 'GET /api/v1/a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 400],
    ['a request line that is not HTTP', 'HELLO\r\n\r\n', 400],
  ])('%s: %i', async (_name, bytes, status) => {
    const answer = parseRaw(await raw(app.url, bytes));
    await expectError(answer, status, { detail: expect.any(String) });
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.connection).toBe('close');
    for (const [name, value] of Object.entries(SECURITY)) expect(answer.headers[name], name).toBe(value);
    // and the server still serves
    expect((await app.request('/health/live')).status).toBe(200);
  });
});

describe('hosts (ALLOWED_HOSTS, as Django checks them)', () => {
  it('outside production the local hosts are served; any other Host is a 400 in the envelope, but not on health checks', async () => {
    const app = await startTestApp({ registry: probeRegistry() });
    try {
      expect((await withHost(app.url, '/api/v1/probe/version', 'localhost:3000')).status).toBe(200);
      const evil = await withHost(app.url, '/api/v1/probe/version', 'evil.example');
      await expectError(evil, 400, { detail: 'Invalid Host header: this API does not answer to that host.' });
      expect(evil.headers['x-request-id']).toBeTruthy();
      expect((await withHost(app.url, '/health/live', 'evil.example')).status).toBe(200);
      expect((await withHost(app.url, '/health/ready', '10.1.2.3:3000')).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('a listed host, a domain and its subdomains (.example.com); links are built on the Host that was allowed', async () => {
    const app = await startTestApp({ registry: probeRegistry(), env: { ALLOWED_HOSTS: 'api.example.org,.example.com' } });
    try {
      expect((await withHost(app.url, '/api/v1/probe/version', 'api.example.org')).status).toBe(200);
      expect((await withHost(app.url, '/api/v1/probe/version', 'example.com')).status).toBe(200);
      expect((await withHost(app.url, '/api/v1/probe/version', 'eu.api.EXAMPLE.com:8443')).status).toBe(200);
      expect((await withHost(app.url, '/api/v1/probe/version', 'example.org')).status).toBe(400);
      expect((await withHost(app.url, '/api/v1/probe/version', 'badexample.com')).status).toBe(400);
      expect((await withHost(app.url, '/api/v1/probe/version', '127.0.0.1')).status).toBe(400);
    } finally {
      await app.close();
    }
  });

  it('from a trusted proxy, links use the last X-Forwarded-Proto and X-Forwarded-Host, an allowed host only', async () => {
    const app = await startTestApp({
      registry: probeRegistry(),
      env: { TRUST_PROXY: '127.0.0.1', ALLOWED_HOSTS: '127.0.0.1,api.example.org' },
    });
    try {
      await createProbeTable(app.database);
      await insertProbeItems(app.database, ['one', 'two']);
      const next = async (headers: Record<string, string>) =>
        ((await (await app.request('/api/v1/probe/items?page_size=1', { headers })).json()) as { next: string }).next;
      // the last value is the one the nearest proxy added; a client wrote the first
      expect(await next({ 'X-Forwarded-Proto': 'javascript, https', 'X-Forwarded-Host': 'evil.example, api.example.org' })).toMatch(
        /^https:\/\/api\.example\.org\/api\/v1\/probe\/items\?/,
      );
      // a forwarded host that is not allowed is ignored: the request's own Host is used
      expect(await next({ 'X-Forwarded-Host': 'api.example.org, evil.example' })).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/probe\/items\?/,
      );
    } finally {
      await app.close();
    }
  });

  it('with PUBLIC_URL set, links are built on it and the Host is not used', async () => {
    const app = await startTestApp({ registry: probeRegistry(), env: { PUBLIC_URL: 'https://api.example.com' } });
    try {
      await createProbeTable(app.database);
      await insertProbeItems(app.database, ['one', 'two']);
      const page = await withHost(app.url, '/api/v1/probe/items?page_size=1', 'evil.example');
      expect(page.status).toBe(200);
      expect((JSON.parse(page.body) as { next: string }).next).toMatch(/^https:\/\/api\.example\.com\/api\/v1\/probe\/items\?/);
      expect(page.body).not.toContain('evil.example');
    } finally {
      await app.close();
    }
  });
});

describe('errors carry the security headers too', () => {
  it('a 401 envelope', async () => {
    const app = await startTestApp({ registry: probeRegistry() });
    const response = await app.request('/api/v1/probe/staff');
    await app.close();
    expect(response.status).toBe(401);
    expect((await envelope(response)).code).toBe(401);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});
