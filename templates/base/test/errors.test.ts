import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBody } from '../src/core/envelope.js';
import { toErrorResponse, ApiError, NotFound, Throttled, ValidationError } from '../src/core/errors.js';
import { parseJsonBody } from '../src/core/http.js';
import { envelope, expectError, startTestApp, type TestApp } from './support/app.js';
import { probeRegistry } from './support/probe.js';

// One envelope for every error: each status the contract names, over real HTTP.
describe('error envelope', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      registry: probeRegistry(),
      env: { BODY_LIMIT: '1024', NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), ALLOWED_HOSTS: '127.0.0.1' },
    });
  });
  afterAll(() => app.close());

  it('404 for an unknown route, as JSON with a request id', async () => {
    const response = await app.request('/nowhere');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await expectError(response, 404, { detail: 'Not found.' });
  });

  it('echoes a sane X-Request-Id and replaces an insane one', async () => {
    const sane = await app.request('/health/live', { headers: { 'X-Request-Id': 'trace-123.abc' } });
    expect(sane.headers.get('x-request-id')).toBe('trace-123.abc');
    const insane = await app.request('/health/live', { headers: { 'X-Request-Id': 'x'.repeat(300) } });
    expect(insane.headers.get('x-request-id')).not.toBe('x'.repeat(300));
  });

  it('405 for a known path with another method, with Allow', async () => {
    const response = await app.request('/api/v1/probe/version', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    await expectError(response, 405, { detail: 'Method "DELETE" not allowed.' });
  });

  it('400 for malformed JSON, saying why', async () => {
    const response = await app.request('/api/v1/probe', {
      method: 'POST',
      body: '{"name": ',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    const body = await envelope(response);
    expect(body.code).toBe(400);
    expect(String((body.errors as { detail: string }).detail)).toMatch(/^JSON parse error - /);
  });

  it('413 for a body over the limit', async () => {
    const response = await app.request('/api/v1/probe', { method: 'POST', body: { name: 'x'.repeat(2000) } });
    expect(response.status).toBe(413);
    expect((await envelope(response)).code).toBe(413);
  });

  it('415 for a media type the API does not read', async () => {
    const response = await app.request('/api/v1/probe', { method: 'POST', body: '<a/>', headers: { 'Content-Type': 'application/xml' } });
    await expectError(response, 415, { detail: 'Unsupported media type "application/xml" in request.' });
  });

  it('400 for a body that tries to poison prototypes', async () => {
    const response = await app.request('/api/v1/probe', {
      method: 'POST',
      body: '{"name":"a","quantity":1,"price":1,"__proto__":{"isAdmin":true}}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(String((await envelope(response)).errors.detail)).toMatch(/^JSON parse error - /);
  });

  it('500 never leaks the internal message in production', async () => {
    const response = await app.request('/api/v1/probe/boom');
    const text = await response.text();
    await expectError({ status: response.status, body: text }, 500, { detail: 'A server error occurred.' });
    expect(text).not.toContain('secret_internal_column');
  });
});

// The one mapping, row by row: a regression here changes what every client sees.
describe('toErrorResponse', () => {
  it.each([
    [new ValidationError({ quantity: ['Quantity must be at least 1.'] }), 400, { quantity: ['Quantity must be at least 1.'] }],
    [new NotFound(), 404, { detail: 'Not found.' }],
    [new Throttled(7), 429, { detail: 'Request was throttled. Expected available in 7 seconds.' }],
    [new ApiError(503, { detail: 'down' }), 503, { detail: 'down' }],
    [new Error('boom'), 500, { detail: 'A server error occurred.' }],
    ['a thrown string', 500, { detail: 'A server error occurred.' }],
  ])('%s -> %i', (error, status, errors) => {
    const response = toErrorResponse(error);
    expect(response.status).toBe(status);
    expect(response.body).toEqual(errorBody(status, errors));
    expect(response.unexpected).toBe(status >= 500);
  });

  it('429 carries Retry-After', () => {
    expect(toErrorResponse(new Throttled(1)).headers['Retry-After']).toBe('1');
    expect(toErrorResponse(new Throttled(1)).body.errors).toEqual({ detail: 'Request was throttled. Expected available in 1 second.' });
  });
});

describe('JSON bodies', () => {
  it('have no prototype at any depth, and a body nested 100,000 deep is read, not a stack overflow (a 500)', () => {
    const body = parseJsonBody('{"a":[{"b":{}}]}') as { a: [{ b: object }] };
    expect([body, body.a[0], body.a[0].b].map((value) => Object.getPrototypeOf(value))).toEqual([null, null, null]);
    expect(Array.isArray(body.a)).toBe(true);
    expect(() => parseJsonBody(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`)).not.toThrow();
  });
});
