// Bare Fastify baseline for bench/api.ts (see shared.mjs).
import Fastify from 'fastify';
import { me, port, productsPage } from './shared.mjs';

const app = Fastify();
app.get('/products', async (request) => productsPage(`http://${request.host}${request.url}`));
app.get('/me', async (request, reply) => (await me(request.headers.authorization)) ?? reply.code(401).send({}));
await app.listen({ port, host: '127.0.0.1' });
console.log('listening');
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
