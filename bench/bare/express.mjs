// Bare Express baseline for bench/api.ts (see shared.mjs).
import express from 'express';
import { me, port, productsPage } from './shared.mjs';

const app = express();
app.get('/products', (request, response) => response.json(productsPage(`http://${request.host}${request.originalUrl}`)));
app.get('/me', async (request, response) => {
  const caller = await me(request.headers.authorization);
  if (caller) response.json(caller);
  else response.status(401).json({});
});
const server = app.listen(port, '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
