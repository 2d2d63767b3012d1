// What the bare baselines of bench/api.ts do by hand, the same for each framework: the first page of products
// as the generated API's JSON, and GET /me from a verified access token. No versioning, throttling, validation,
// serializers or error envelope. Copied into a generated project and run there, with its own dependencies.
import Database from 'better-sqlite3';
import { jwtVerify } from 'jose';

const PAGE = 25;
const db = new Database(process.env.DATABASE_URL, { readonly: true });
const page = db.prepare('SELECT id, name, price, stock, created_at, updated_at FROM products ORDER BY created_at DESC, id DESC LIMIT ?');
const user = db.prepare('SELECT id, username FROM users WHERE id = ? AND is_active = 1');
const secret = new TextEncoder().encode(process.env.JWT_SECRET);

/** `{ next, previous, results }` for `requestUrl` (an absolute URL). */
export function productsPage(requestUrl) {
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
    const url = new URL(requestUrl);
    url.searchParams.set('cursor', Buffer.from(JSON.stringify({ t: Date.parse(last.created_at), i: last.id, r: 0 })).toString('base64url'));
    next = url.toString();
  }
  return { next, previous: null, results };
}

/** The caller of `authorization` (a Bearer access token), or null. */
export async function me(authorization) {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
  if (!token) return null;
  const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
  if (payload.token_type !== 'access') return null;
  return user.get(Number(payload.sub)) ?? null;
}

export const port = Number(process.env.PORT);
