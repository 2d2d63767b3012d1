import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../src/api/versions.js';
import { defineRoute } from '../src/core/routes.js';
import type { RouteFactory } from '../src/core/versioning.js';
import { expectError, startTestApp, type TestApp } from './support/app.js';
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
    await expectError(response, 404, { detail: 'Invalid version in URL path.' });
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

describe('a version serves every route of the one before it that it does not redefine', () => {
  let app: TestApp;
  // v1: /probe/version and /probe/only-v1; v2 redefines /probe/version; v3 lists nothing of its own
  const own =
    (version: string): RouteFactory =>
    () => [
      defineRoute({ method: 'GET', path: '/probe/version', access: 'public', summary: 'Own', handler: async () => ({ own: version }) }),
    ];
  const onlyV1: RouteFactory = () => [
    defineRoute({
      method: 'GET',
      path: '/probe/only-v1',
      access: 'public',
      summary: 'From v1',
      handler: async ({ version }) => ({ served: version }),
    }),
  ];
  beforeAll(async () => {
    app = await startTestApp({
      registry: {
        defaultVersion: 'v1',
        // out of order on purpose: v10 comes after v3, whatever the object's order
        versions: { v10: [], v1: [own('v1'), onlyV1], v3: [], v2: [own('v2')] },
        deprecated: { v1: { since: '2026-01-31', sunset: '2027-06-30', successor: 'v2' } },
      },
    });
  });
  afterAll(() => app.close());

  it('inherits what it does not redefine, and serves its own where it does', async () => {
    const get = async (path: string) => (await app.request(path)).json();
    expect(await get('/api/v1/probe/version')).toEqual({ own: 'v1' });
    expect(await get('/api/v2/probe/version')).toEqual({ own: 'v2' });
    expect(await get('/api/v3/probe/version')).toEqual({ own: 'v2' });
    expect(await get('/api/v10/probe/version')).toEqual({ own: 'v2' });
    // an inherited route runs under the version it was called with
    expect(await get('/api/v2/probe/only-v1')).toEqual({ served: 'v2' });
    expect(await get('/api/v10/probe/only-v1')).toEqual({ served: 'v10' });
    // inheriting a deprecated version's route does not inherit its deprecation
    expect((await app.request('/api/v2/probe/only-v1')).headers.get('deprecation')).toBeNull();
    expect((await app.request('/api/v1/probe/only-v1')).headers.get('deprecation')).not.toBeNull();
  });

  it("each version's OpenAPI document lists the routes it inherits; a deprecated one is marked", async () => {
    const document = async (version: string) =>
      (await (await app.request(`/api/${version}/openapi.json`)).json()) as {
        info: { description?: string; 'x-sunset'?: string };
        paths: Record<string, Record<string, { deprecated?: boolean }>>;
      };
    const v3 = await document('v3');
    expect(Object.keys(v3.paths)).toEqual(expect.arrayContaining(['/api/v3/probe/version', '/api/v3/probe/only-v1']));
    expect(v3.paths['/api/v3/probe/version']!.get!.deprecated).toBeUndefined();
    const v1 = await document('v1');
    expect(v1.info['x-sunset']).toBe('2027-06-30');
    expect(v1.info.description).toContain('Move to v2');
    expect(v1.paths['/api/v1/probe/version']!.get!.deprecated).toBe(true);
    const docs = await (await app.request('/docs')).text();
    expect(docs).toMatch(/<h2>v1 <small class="deprecated">deprecated: /);
    // Swagger UI's version switch: the newest current version (v10, by number) shown first, the deprecated one named so
    const init = await (await app.request('/docs/init.js')).text();
    expect(init).toContain('"url":"/api/v1/openapi.json","name":"v1 (deprecated)"');
    expect(init).toContain(`'urls.primaryName': "v10"`);
  });
});

describe('the project registry', () => {
  it('names its default version among the allowed ones', () => {
    expect(Object.keys(registry.versions)).toContain(registry.defaultVersion);
  });
});
