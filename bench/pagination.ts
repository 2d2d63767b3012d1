// Pagination at depth on PostgreSQL: 1,000,000 products, the first page and pages 10, 1,000 and 40,000 (the last),
// fetched with the generated API's keyset (cursor) query under the default ordering and under `ordering=price`
// (the SQL core/lists.ts makes of it), and with LIMIT/OFFSET (and the COUNT(*) an offset page answers, timed apart),
// side by side in one run, on the generated migrations' own table and indexes.
// Run: npx tsx bench/pagination.ts   (POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const SERVER = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = 1_000_000;
const PAGE = 25;
const DEPTHS = [1, 10, 1_000, 20_000, 40_000];
const REPEATS = 15;
const MIGRATIONS = ['0001_examples.sql', '0002_list_orderings.sql'].map((file) =>
  path.resolve(import.meta.dirname, '../templates/migrations/postgresql/example', file),
);

const name = `bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: SERVER });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(SERVER);
url.pathname = `/${name}`;
const db = new pg.Client({ connectionString: url.toString() });
await db.connect();

try {
  // the products table and its indexes exactly as the generated migrations create them
  const statements = MIGRATIONS.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.trim()),
  );
  for (const statement of statements.filter((s) => /"products"/.test(s) && !/"orders"/.test(s))) await db.query(statement);
  console.log(`seeding ${ROWS.toLocaleString('en')} products...`);
  await db.query(
    `INSERT INTO products (name, price, stock, created_at, updated_at)
     SELECT 'product ' || n, (n % 10000) / 100.0, n % 50, now() - (n || ' milliseconds')::interval, now()
     FROM generate_series(1, $1) AS n`,
    [ROWS],
  );
  await db.query('ANALYZE products');

  const columns = 'id, name, price, stock, created_at, updated_at';
  const keyset = `SELECT ${columns} FROM products WHERE created_at <= $1 AND (created_at < $1 OR id < $2) ORDER BY created_at DESC, id DESC LIMIT ${PAGE + 1}`;
  const first = `SELECT ${columns} FROM products ORDER BY created_at DESC, id DESC LIMIT ${PAGE + 1}`;
  const offset = `SELECT ${columns} FROM products ORDER BY created_at DESC, id DESC LIMIT ${PAGE} OFFSET $1`;
  // ?ordering=price: ascending, the id (in the last field's direction) breaking ties
  const byPrice = `SELECT ${columns} FROM products WHERE price >= $1 AND (price > $1 OR (price = $1 AND id > $2)) ORDER BY price ASC, id ASC LIMIT ${PAGE + 1}`;
  const byPriceFirst = `SELECT ${columns} FROM products ORDER BY price ASC, id ASC LIMIT ${PAGE + 1}`;
  const count = 'SELECT count(*) FROM products';

  const median = async (run: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const started = process.hrtime.bigint();
      await run();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!;
  };

  const countMs = await median(() => db.query(count));
  const results: { depth: number; cursor: number; price: number; offset: number }[] = [];
  for (const depth of DEPTHS) {
    // the cursor a client holds on arriving at this page: the position of the last row of the page before
    const before =
      depth === 1
        ? undefined
        : (
            await db.query(`SELECT created_at, id FROM products ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET $1`, [
              (depth - 1) * PAGE - 1,
            ])
          ).rows[0];
    const cursor = await median(() => (before ? db.query(keyset, [before.created_at, before.id]) : db.query(first)));
    const beforePrice =
      depth === 1
        ? undefined
        : (await db.query(`SELECT price, id FROM products ORDER BY price ASC, id ASC LIMIT 1 OFFSET $1`, [(depth - 1) * PAGE - 1])).rows[0];
    const price = await median(() => (beforePrice ? db.query(byPrice, [beforePrice.price, beforePrice.id]) : db.query(byPriceFirst)));
    const offsetMs = await median(() => db.query(offset, [(depth - 1) * PAGE]));
    results.push({ depth, cursor, price, offset: offsetMs });
  }

  console.log(`\npage latency, median of ${REPEATS} (ms), ${ROWS.toLocaleString('en')} rows, ${PAGE} a page:`);
  console.log('depth (page)   cursor   cursor, ordering=price   offset');
  for (const r of results) {
    console.log(
      `${String(r.depth).padStart(12)}   ${r.cursor.toFixed(2).padStart(6)}   ${r.price.toFixed(2).padStart(22)}   ${r.offset.toFixed(2).padStart(6)}`,
    );
  }
  console.log(
    `(an offset page also answers "count": SELECT count(*) takes ${countMs.toFixed(2)} ms on every page; the cursor page has none)`,
  );
  const firstCursor = results[0]!.cursor;
  const deepest = results[results.length - 1]!;
  console.log(`\ncursor at page ${deepest.depth}: ${(deepest.cursor / firstCursor).toFixed(2)}x the first page (target within 2x)`);
  console.log(
    `cursor under ordering=price at page ${deepest.depth}: ${(deepest.price / deepest.cursor).toFixed(2)}x the default ordering's at the same depth (target within 2x)`,
  );
  console.log(`offset at page ${deepest.depth}: ${(deepest.offset / results[0]!.offset).toFixed(1)}x its first page`);
} finally {
  await db.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
