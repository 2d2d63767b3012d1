import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../src/api/versions.js';
import { envelope, startTestApp, type TestApp } from './support/app.js';
import { probeRegistry } from './support/probe.js';

describe('URL versioning', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      registry: probeRegistry({ v1: { since: '2026-01-31', sunset: '2027-06-30', successor: 'v2' } }),
    });
  });
  afterAll(() => app.close());

  it('a handler knows the version it was called under', async () => {
    expect(await (await app.request('/api/v1/probe/version')).json()).toEqual({ version: 'v1' });
    expect(await (await app.request('/api/v2/probe/version')).json()).toEqual({ version: 'v2' });
  });

  it('an unknown version is a 404 saying so', async () => {
    const response = await app.request('/api/v9/probe/version');
    expect(response.status).toBe(404);
    expect(await envelope(response)).toEqual({ status: 'error', code: 404, errors: { detail: 'Invalid version in URL path.' } });
  });

  it('a trailing slash is served the same', async () => {
    const response = await app.request('/api/v1/probe/version/');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ version: 'v1' });
  });

  it('a deprecated version carries Deprecation, Sunset and a Link to its successor', async () => {
    const response = await app.request('/api/v1/probe/version');
    expect(response.headers.get('deprecation')).toBe(`@${Date.parse('2026-01-31T00:00:00Z') / 1000}`);
    expect(response.headers.get('sunset')).toBe('Wed, 30 Jun 2027 23:59:59 GMT');
    expect(response.headers.get('link')).toContain('rel="successor-version"');
    expect(response.headers.get('link')).toContain('v2');
  });

  it('a current version carries none of them', async () => {
    const response = await app.request('/api/v2/probe/version');
    expect(response.headers.get('deprecation')).toBeNull();
    expect(response.headers.get('sunset')).toBeNull();
  });

  it('each version has its own OpenAPI 3.1 document', async () => {
    const v1 = (await (await app.request('/api/v1/openapi.json')).json()) as { openapi: string; info: { version: string }; paths: object };
    expect(v1.openapi).toBe('3.1.0');
    expect(v1.info.version).toBe('v1');
    expect(Object.keys(v1.paths)).toContain('/api/v1/probe');
    expect(Object.keys(v1.paths)).not.toContain('/api/v2/probe');
  });
});

describe('the project registry', () => {
  it('names its default version among the allowed ones', () => {
    expect(Object.keys(registry.versions)).toContain(registry.defaultVersion);
  });
});
