// The second half of the product, as a user runs it in an installed project:
// add two resources (one referring to the other), start v3 as a copy of v1
// with v1 deprecated, change one v3 field, then typecheck, the project's own
// tests (the new ones included), build, and the new endpoints over HTTP.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { lintDocuments } from './differential.js';
import { adminStatement, inProject, projectCli, startServer, stopServer, withDatabase } from './support.js';

export interface GrowOptions {
  /** a PostgreSQL or MySQL server's URL; SQLite when absent */
  readonly server?: { database: 'postgres' | 'mysql'; url: string };
}

export async function growJourney(project: string, options: GrowOptions = {}): Promise<void> {
  const cli = (args: string[]) => projectCli(project, args);

  const released = existsSync(path.join(project, 'api-contract/v1.json'));
  // a catalogue: anyone reads, staff write (the generated test meets the 403 with an ordinary user)
  const category = await cli([
    'add-resource',
    'category',
    '--fields',
    'name:string:unique,slug:string:maxLength=80,description:text?',
    '--access',
    'staff-write',
    // v1 by name (new resources go to the newest version by default): v2 inherits it, v3 gets a copy below
    '--version',
    'v1',
  ]);
  expect(category).toMatch(/Migration: drizzle\/\d{4}_add_categories\.sql/);
  // on a released version: adding is fine, changing an existing resource there is not
  if (released) expect(category).toContain('v1 is released (api-contract/v1.json)');
  const review = await cli([
    'add-resource',
    'review',
    '--fields',
    'category_id:ref(categories),rating:int:min=1:max=5,body:text',
    '--access',
    'owner',
    '--version',
    'v1',
  ]);
  expect(review).toMatch(/Migration: drizzle\/\d{4}_add_reviews\.sql/);
  await cli(['add-version', 'v3', '--from', 'v1', '--deprecate', 'v1', '--sunset', '2099-12-31']);

  // the user changes v3's contract: a shorter name. v1 must not notice.
  const v3Schemas = path.join(project, 'src/resources/categories/v3/schemas.ts');
  const text = await readFile(v3Schemas, 'utf8');
  expect(text).toContain('name: z.string().trim().min(1).max(255),');
  await writeFile(v3Schemas, text.replace('name: z.string().trim().min(1).max(255),', 'name: z.string().trim().min(1).max(20),'));

  const testEnv = options.server ? { DATABASE_URL: options.server.url } : {};
  await inProject(project, 'npx', ['tsc', '--noEmit']);
  const tests = await inProject(project, 'npm', ['test'], testEnv);
  expect(tests).toContain('test/categories.test.ts');
  expect(tests).toContain('test/reviews.test.ts');
  await inProject(project, 'npm', ['run', 'build']);
  // adding resources and a version kept every released contract
  if (released) expect(await inProject(project, 'npm', ['run', 'contract:check'])).toContain('compatible changes');
  // the migrations add-resource made match the tables: nothing left to generate
  expect(await inProject(project, 'npx', ['drizzle-kit', 'generate'])).toContain('No schema changes');

  const name = `grow_${Date.now().toString(36)}`;
  if (options.server) await adminStatement(project, options.server.database, `CREATE DATABASE ${name}`);
  try {
    const env = {
      NODE_ENV: 'production',
      JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
      DATABASE_URL: options.server ? withDatabase(options.server.url, name) : `./data/${name}.sqlite`,
      LOG_LEVEL: 'warn',
    };
    await inProject(project, 'npm', ['run', 'db:migrate'], env);
    await inProject(project, 'npm', ['run', 'user:create', '--', '--username', 'grower', '--password', 's3cret-pass', '--staff'], env);
    await inProject(project, 'npm', ['run', 'user:create', '--', '--username', 'reader', '--password', 's3cret-pass'], env);
    const running = await startServer(project, env);
    try {
      await callNewEndpoints(running.url);
      // the grown documents (new resources, a deprecated v1, a v3 of its own) still lint clean
      expect(await lintDocuments(running, ['v1', 'v2', 'v3'])).toEqual([]);
    } finally {
      const stopped = await stopServer(running);
      expect(stopped.exitCode, running.output()).toBe(0);
    }
  } finally {
    if (options.server) await adminStatement(project, options.server.database, `DROP DATABASE IF EXISTS ${name}`);
  }
}

async function callNewEndpoints(url: string): Promise<void> {
  const login = async (username: string) => {
    const response = await fetch(`${url}/api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 's3cret-pass' }),
    });
    return ((await response.json()) as { access: string }).access;
  };
  const [access, readerAccess] = [await login('grower'), await login('reader')];
  const call = (method: string, route: string, body?: unknown, token = access) =>
    fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  // categories were added with --access staff-write: an ordinary user is refused, the staff user writes
  const denied = await call('POST', '/api/v3/categories', { name: 'Nope', slug: 'nope' }, readerAccess);
  expect(denied.status).toBe(403);
  expect(await denied.json()).toEqual({ status: 'error', code: 403, errors: { detail: 'You do not have permission to perform this action.' } });

  const longName = 'A name of thirty characters!!';
  const created = await call('POST', '/api/v1/categories', { name: longName, slug: 'long' });
  expect(created.status).toBe(201);
  expect(created.headers.get('deprecation')).toMatch(/^@\d+$/);
  expect(created.headers.get('sunset')).toContain('2099');
  const { id: categoryId } = (await created.json()) as { id: number };

  const tooLong = await call('POST', '/api/v3/categories', { name: `${longName} 2`, slug: 'long-2' });
  expect(tooLong.status).toBe(400);
  expect(Object.keys(((await tooLong.json()) as { errors: object }).errors)).toEqual(['name']);
  const v3 = await call('POST', '/api/v3/categories', { name: 'Books', slug: 'books' });
  expect(v3.status).toBe(201);
  expect(v3.headers.get('deprecation')).toBeNull();

  const duplicate = await call('POST', '/api/v3/categories', { name: 'Books', slug: 'books-again' });
  expect(duplicate.status).toBe(400);
  expect(await duplicate.json()).toMatchObject({ errors: { name: ['This field must be unique.'] } });

  const review = await call('POST', '/api/v1/reviews', { category_id: categoryId, rating: 5, body: 'Great shelf.' });
  expect(review.status).toBe(201);
  const missing = await call('POST', '/api/v3/reviews', { category_id: 999999, rating: 5, body: 'Nowhere.' });
  expect(missing.status).toBe(400);
  expect(await missing.json()).toMatchObject({ errors: { category_id: ['Invalid pk "999999" - object does not exist.'] } });

  const list = (await (await call('GET', '/api/v3/reviews?page_size=10')).json()) as { results: { category_id: number; rating: number }[] };
  expect(list.results).toEqual([expect.objectContaining({ category_id: categoryId, rating: 5 })]);
  expect((await fetch(`${url}/api/v3/reviews`)).status).toBe(401);
  const categories = (await (await fetch(`${url}/api/v3/categories`)).json()) as { results: unknown[] };
  expect(categories.results).toHaveLength(2);
  // v2 lists no categories of its own: it serves v1's (a version inherits what it does not redefine)
  const v2 = await fetch(`${url}/api/v2/categories`);
  expect(v2.status).toBe(200);
  expect(((await v2.json()) as { results: unknown[] }).results).toHaveLength(2);
}
