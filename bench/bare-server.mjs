// The baseline for bench/api.ts: the same first page of products from the same SQLite file, as the same JSON
// (rows, ISO dates, an absolute `next` cursor link), through a bare Fastify route: no versioning, auth,
// throttling, validation, serializers or error envelope. Copied into a generated project and run there, so it
// uses that project's fastify and better-sqlite3.
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const PAGE = 25;
const db = new Database(process.env.DATABASE_URL, { readonly: true });
const page = db.prepare('SELECT id, name, price, stock, created_at, updated_at FROM products ORDER BY created_at DESC, id DESC LIMIT ?');
const app = Fastify();
app.get('/products', async (request) => {
  const rows = page.all(PAGE + 1);
  const results = rows.slice(0, PAGE).map((row) => ({
    id: row.id,
    name: row.name,
    price: row.price,
    stock: row.stock,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  }));
  const last = results[results.length - 1];
  let next = null;
  if (rows.length > PAGE && last) {
    const url = new URL(request.url, `http://${request.host}`);
    url.searchParams.set('cursor', Buffer.from(JSON.stringify({ t: Date.parse(last.created_at), i: last.id, r: 0 })).toString('base64url'));
    next = url.toString();
  }
  return { next, previous: null, results };
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('listening');
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
