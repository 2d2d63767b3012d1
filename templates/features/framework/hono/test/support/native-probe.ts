import type { NativeRoutes } from '../../src/adapters/http/hono/app.js';

/** Native Hono routes behind guard(), as a user would add them in src/adapters/http/hono/native.ts. */
export const nativeProbeRoutes: NativeRoutes = (app, guard) => {
  app.get('/api/v1/native/public', guard({ access: 'public' }), (c) => c.json({ hello: 'world' }));
  app.get('/api/v1/native/staff', guard({ access: 'staff' }), (c) => c.json({ username: c.get('user')!.username }));
  app.get('/api/v1/native/limited', guard({ access: 'public', throttle: { scope: 'native', rate: '2/minute' } }), (c) =>
    c.json({ ok: true }),
  );
  app.get('/api/v1/native/bug', () => {
    throw new Error('SQLITE_ERROR: secret_internal_column');
  });
};
