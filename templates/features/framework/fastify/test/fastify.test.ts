import compress from '@fastify/compress';
import type { RouteOptions } from 'fastify';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApp, type TestApp } from './support/app.js';

/**
 * The API's routes are the Fastify app's own routes: `app.inject()` reaches them without a socket, and a hook or a
 * plugin added to the app in src/adapters/http/fastify/native.ts (here, the test's own nativeRoutes) applies to them.
 */
describe('the Fastify app', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      nativeRoutes: (fastify) => {
        // compresses answers of 1 KB or more to a client that takes gzip (its default threshold)
        void fastify.register(compress);
        fastify.addHook('onSend', async (_request, reply, payload) => {
          reply.header('X-Served-By', 'a-fastify-hook');
          return payload;
        });
      },
    });
  });
  afterAll(() => app.close());

  it('app.inject() answers a generated route, with the hook applied and every header of the API', async () => {
    const response = await app.http.fastify.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ openapi: expect.any(String), info: expect.any(Object) });
    expect(response.headers['x-served-by']).toBe('a-fastify-hook');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
  });

  it("an unknown path answers through inject() in the API's envelope, the hook applied too", async () => {
    const response = await app.http.fastify.inject({ method: 'GET', url: '/api/v1/no-such-thing' });
    await expectError(response, 404, { detail: 'Not found.' });
    expect(response.headers['x-served-by']).toBe('a-fastify-hook');
  });

  it('a @fastify/* plugin registered there applies to the generated routes: @fastify/compress gzips one', async () => {
    const response = await app.http.fastify.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: { 'accept-encoding': 'gzip' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(response.rawPayload).toString())).toMatchObject({ openapi: expect.any(String) });
    // over a socket too, and a client that does not take gzip gets the JSON as it is
    const plain = await fetch(`${app.url}/api/v1/openapi.json`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.json()).toMatchObject({ openapi: expect.any(String) });
  });

  it("a generated route carries its success body's schema (its OpenAPI one), for plugins that read route schemas", async () => {
    const seen: RouteOptions[] = [];
    const probe = await startTestApp({ nativeRoutes: (fastify) => void fastify.addHook('onRoute', (route) => void seen.push(route)) });
    try {
      const live = seen.find((route) => route.url === '/health/live' && route.method === 'GET');
      expect(live?.schema?.response).toEqual({
        200: expect.objectContaining({ type: 'object', properties: { status: expect.objectContaining({ type: 'string' }) } }),
      });
      const response = await probe.http.fastify.inject({ method: 'GET', url: '/health/live' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('{"status":"ok"}');
    } finally {
      await probe.close();
    }
  });
});
