import type { NativeRoutes } from '../../src/adapters/http/fastify/app.js';

/** Native Fastify routes behind guard(), as a user would add them in src/adapters/http/fastify/native.ts. */
export const nativeProbeRoutes: NativeRoutes = (app, guard) => {
  app.get('/api/v1/native/public', { preHandler: guard({ access: 'public' }) }, async () => ({ hello: 'world' }));
  app.get('/api/v1/native/staff', { preHandler: guard({ access: 'staff' }) }, async (request) => ({ username: request.user!.username }));
  app.get(
    '/api/v1/native/limited',
    { preHandler: guard({ access: 'public', throttle: { scope: 'native', rate: '2/minute' } }) },
    async () => ({
      ok: true,
    }),
  );
  app.get('/api/v1/native/bug', async () => {
    throw new Error('SQLITE_ERROR: secret_internal_column');
  });
};
