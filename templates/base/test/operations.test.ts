import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApp, type TestApp } from './support/app.js';

describe('operations', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('GET /health/live', async () => {
    const response = await app.request('/health/live');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('a port another process holds stops the start with one line saying what to change, never a stack', async () => {
    const { port } = new URL(app.url);
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: app.config.databaseUrl,
      HOST: '127.0.0.1',
      PORT: port,
    };
    const started = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(started.code).toBe(1);
    expect(started.stderr.trim()).toBe(`server: port ${port} is in use by another process; stop it, or set PORT to a free port.`);
  });

  it('GET /health/ready answers 200 while the database does', async () => {
    expect((await app.request('/health/ready')).status).toBe(200);
  });

  it('GET /docs is a page linking each version', async () => {
    const response = await app.request('/docs');
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('/api/v1/openapi.json');
  });

  it('serves Swagger UI from its own package, and a start script over every version', async () => {
    for (const [file, type] of [
      ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
      ['swagger-ui-standalone-preset.js', 'text/javascript; charset=utf-8'],
      ['swagger-ui.css', 'text/css; charset=utf-8'],
    ]) {
      const response = await app.request(`/docs/assets/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect((await response.text()).length).toBeGreaterThan(10_000);
    }
    expect((await app.request('/docs/assets/package.json')).status).toBe(404);
    expect((await app.request('/docs/assets/constructor')).status).toBe(404);
    expect((await app.request('/docs/assets/__proto__')).status).toBe(404);
    expect((await app.request('/docs/assets/..%2Fpackage.json')).status).toBe(404);
    const init = await app.request('/docs/init.js');
    expect(init.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const script = await init.text();
    expect(script).toContain('SwaggerUIBundle(');
    expect(script).toContain('"url":"/api/v1/openapi.json"');
    // nothing leaves for another site: no validator badge
    expect(script).toContain('validatorUrl: null,');
  });
  it('sends no CORS headers unless CORS_ORIGINS allows the origin', async () => {
    const response = await app.request('/health/live', { headers: { Origin: 'https://app.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('GET /health/ready answers 503 in the envelope when the database is gone', async () => {
    await app.database.close();
    const response = await app.request('/health/ready');
    await expectError(response, 503, { detail: 'database is unavailable.' });
  });
});

describe('CORS (CORS_ORIGINS=https://app.example)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { CORS_ORIGINS: 'https://app.example' } });
  });
  afterAll(() => app.close());

  it('allows the listed origin and no other', async () => {
    const allowed = await app.request('/health/live', { headers: { Origin: 'https://app.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await app.request('/health/live', { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight', async () => {
    const preflight = await app.request('/health/live', {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });
});
