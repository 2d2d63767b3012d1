// Bare Hono baseline for bench/api.ts (see shared.mjs).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { me, port, productsPage } from './shared.mjs';

const app = new Hono();
app.get('/products', (c) => c.json(productsPage(c.req.url)));
app.get('/me', async (c) => {
  const caller = await me(c.req.header('authorization'));
  return caller ? c.json(caller) : c.json({}, 401);
});
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
