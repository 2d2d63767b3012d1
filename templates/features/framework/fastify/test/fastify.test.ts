import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApp, type TestApp } from './support/app.js';

/**
 * The API's routes are the Fastify app's own routes: `app.inject()` reaches them without a socket, and a hook added
 * to the app (as a plugin registered with fastify-plugin, or in src/adapters/http/fastify/native.ts) applies to them.
 */
describe('the Fastify app', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      nativeRoutes: (fastify) => {
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
});
