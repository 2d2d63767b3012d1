import compression from 'compression';
import express from 'express';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApp, type TestApp } from './support/app.js';

/**
 * The API's routes are the Express app's own: a middleware added to `before` in src/adapters/http/express/native.ts
 * (here, the test's own nativeRoutes) runs for them, and the app serves on a server of your own (`createServer(app)`).
 */
describe('the Express app', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      nativeRoutes: (app, _guard, before) => {
        // compresses answers of 1 KB or more to a client that takes gzip (its default threshold)
        before.use(compression());
        before.use((_request, response, next) => {
          response.setHeader('X-Served-By', 'an-express-middleware');
          next();
        });
        // a router-level middleware of the owner's own routes, which must not reach the generated ones: were it run
        // for them, it would read their JSON bodies first (a 415) and stamp their answers
        app.use(express.json());
        app.use((_request, response, next) => {
          response.setHeader('X-Owner-Routes', 'yes');
          next();
        });
        app.post('/api/v1/native/echo', (request, response) => void response.json(request.body));
      },
    });
  });
  afterAll(() => app.close());

  it('a middleware on `before` applies to the generated routes: compression() gzips one', async () => {
    const response = await raw(app.url, '/api/v1/openapi.json', { 'Accept-Encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['x-served-by']).toBe('an-express-middleware');
    expect(JSON.parse(gunzipSync(response.body).toString())).toMatchObject({ openapi: expect.any(String) });
    // a client that does not take gzip gets the JSON as it is
    const plain = await raw(app.url, '/api/v1/openapi.json', { 'Accept-Encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body.toString())).toMatchObject({ openapi: expect.any(String) });
  });

  it("the Express app answers on a server of your own, in the API's envelope and headers", async () => {
    const server: Server = createServer(app.http.express);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const found = await fetch(`${url}/api/v1/openapi.json`);
      expect(found.status).toBe(200);
      expect(found.headers.get('x-content-type-options')).toBe('nosniff');
      expect(found.headers.get('x-served-by')).toBe('an-express-middleware');
      await expectError(await fetch(`${url}/api/v1/no-such-thing`), 404, { detail: 'Not found.' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("the owner's routes come after the generated ones: their router's middleware reaches theirs only", async () => {
    const generated = await fetch(`${app.url}/api/v1/openapi.json`);
    expect(generated.status).toBe(200);
    expect(generated.headers.get('x-owner-routes')).toBeNull();
    const theirs = await app.request('/api/v1/native/echo', { method: 'POST', body: { hello: 'world' } });
    expect(theirs.status).toBe(200);
    expect(await theirs.json()).toEqual({ hello: 'world' });
    expect(theirs.headers.get('x-owner-routes')).toBe('yes');
  });
});

/** A GET whose body is read as sent: fetch() would take the gzip off. */
function raw(base: string, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    get(`${base}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
