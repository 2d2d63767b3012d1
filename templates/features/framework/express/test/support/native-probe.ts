import type { NativeRoutes } from '../../src/adapters/http/express/app.js';

/** Native Express routes behind guard(), as a user would add them in src/adapters/http/express/native.ts. */
export const nativeProbeRoutes: NativeRoutes = (app, guard) => {
  app.get('/api/v1/native/public', guard({ access: 'public' }), (_request, response) => void response.json({ hello: 'world' }));
  app.get(
    '/api/v1/native/staff',
    guard({ access: 'staff' }),
    (_request, response) => void response.json({ username: response.locals.user!.username }),
  );
  app.get(
    '/api/v1/native/limited',
    guard({ access: 'public', throttle: { scope: 'native', rate: '2/minute' } }),
    (_request, response) => void response.json({ ok: true }),
  );
  app.get('/api/v1/native/bug', async () => {
    throw new Error('SQLITE_ERROR: secret_internal_column');
  });
};
