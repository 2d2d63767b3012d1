// The baseline for bench/api.ts: the same 25 products from the same SQLite file,
// through a bare Fastify route with no versioning, auth, throttling or schemas.
// Copied into a generated project and run there, so it uses that project's fastify and better-sqlite3.
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const db = new Database(process.env.DATABASE_URL, { readonly: true });
const page = db.prepare('SELECT id, name, price, stock, created_at, updated_at FROM products ORDER BY created_at DESC, id DESC LIMIT 26');
const app = Fastify();
app.get('/products', async () => {
  const rows = page.all();
  return {
    next: null,
    previous: null,
    results: rows.slice(0, 25).map((row) => ({
      ...row,
      created_at: new Date(row.created_at).toISOString(),
      updated_at: new Date(row.updated_at).toISOString(),
    })),
  };
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('listening');
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
