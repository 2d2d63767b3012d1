import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateProject, inProject, packTarball, startServer, stopServer } from './support.js';

// The whole user journey, twice: the packed tarball through npx, then in the
// generated project its own install, typecheck, tests and build, and the built
// server called over HTTP until SIGTERM.

const MINUTES = 60_000;
let tarball: string;

beforeAll(async () => {
  tarball = await packTarball();
}, 5 * MINUTES);

const generate = (name: string, flags: string[]) => generateProject(tarball, name, flags);

async function checkProject(project: string): Promise<void> {
  await inProject(project, 'npx', ['tsc', '--noEmit']);
  await inProject(project, 'npm', ['test']);
  await inProject(project, 'npm', ['run', 'build']);
  // the committed migrations match the schema: drizzle-kit finds nothing to generate
  expect(await inProject(project, 'npx', ['drizzle-kit', 'generate'])).toContain('No schema changes');
}

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

describe('default project (fastify, sqlite, jwt, examples)', () => {
  let project: string;

  it('is generated from the packed tarball and installed', async () => {
    project = await generate('shop-api', []);
    const manifest = JSON.parse(await readFile(path.join(project, 'create-prod-api.json'), 'utf8')) as { options: object };
    expect(manifest.options).toMatchObject({ framework: 'fastify', database: 'sqlite', auth: 'jwt', example: true });
  }, 10 * MINUTES);

  it('typechecks, passes its own tests, builds', () => checkProject(project), 10 * MINUTES);

  it('serves the contract over HTTP, then stops cleanly on SIGTERM', async () => {
    const env = {
      NODE_ENV: 'production',
      JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
      DATABASE_URL: './data/e2e.sqlite',
      THROTTLE_LOGIN: '5/minute',
      LOG_LEVEL: 'warn',
    };
    await inProject(project, 'npm', ['run', 'db:migrate'], env);
    await inProject(project, 'npm', ['run', 'user:create', '--', '--username', 'alice', '--password', 's3cret-pass'], env);
    expect(await inProject(project, 'npm', ['run', 'tokens:flush'], env)).toContain('Flushed 0 expired refresh tokens.');
    const server = await startServer(project, env);
    try {
      const { url } = server;
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);

      // token obtain and refresh (2 of the 5 login-scope requests)
      const obtained = await fetch(`${url}/api/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 's3cret-pass' }) });
      expect(obtained.status).toBe(200);
      const tokens = (await obtained.json()) as { access: string; refresh: string };
      const refreshed = await fetch(`${url}/api/token/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh: tokens.refresh }) });
      expect(refreshed.status).toBe(200);
      const { access } = (await refreshed.json()) as { access: string };
      const auth = { authorization: `Bearer ${access}`, 'content-type': 'application/json' };

      // a 400 in the envelope
      const invalid = await fetch(`${url}/api/v1/orders`, { method: 'POST', headers: auth, body: JSON.stringify({ quantity: 0 }) });
      expect(invalid.status).toBe(400);
      expect(await json(invalid)).toEqual({
        status: 'error',
        code: 400,
        errors: { product_id: ['This field is required.'], quantity: ['Quantity must be at least 1.'], shipping_address: ['This field is required.'] },
      });

      // a cursor traversal over 12 products, 5 a page
      for (let i = 0; i < 12; i++) {
        const created = await fetch(`${url}/api/v1/products`, { method: 'POST', headers: auth, body: JSON.stringify({ name: `p${i}`, price: '1.00', stock: 1 }) });
        expect(created.status).toBe(201);
      }
      const names: string[] = [];
      let next: string | null = `${url}/api/v1/products?page_size=5`;
      while (next) {
        const page = (await json(await fetch(next))) as { next: string | null; results: { name: string }[] };
        names.push(...page.results.map((row) => row.name));
        next = page.next;
      }
      expect(names).toEqual(Array.from({ length: 12 }, (_, i) => `p${11 - i}`));

      // a 429: the login scope has 3 requests left
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const guess = await fetch(`${url}/api/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'wrong' }) });
        statuses.push(guess.status);
        if (guess.status === 429) expect(Number(guess.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      const stopped = await stopServer(server);
      expect(stopped.exitCode, server.output()).toBe(0);
      expect(stopped.ms).toBeLessThan(5_000);
    }
  }, 2 * MINUTES);
});

describe('bare project (--auth none --no-example)', () => {
  let project: string;

  it('is generated from the packed tarball and installed', async () => {
    project = await generate('bare-api', ['--auth', 'none', '--no-example']);
  }, 10 * MINUTES);

  it('typechecks, passes its own tests, builds', () => checkProject(project), 10 * MINUTES);

  it('refuses to start on a bad setting, one line per problem', async () => {
    const result = await execa('node', ['dist/server.js'], { cwd: project, env: { PORT: 'eighty', THROTTLE_ANON: 'lots' }, reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('config: PORT: expected a port number');
    expect(result.stderr).toContain('config: THROTTLE_ANON: expected N/second|minute|hour|day');
  }, MINUTES);

  it('serves health, docs and the envelope, then stops cleanly on SIGTERM', async () => {
    const env = { NODE_ENV: 'production', DATABASE_URL: './data/e2e.sqlite', LOG_LEVEL: 'warn' };
    await inProject(project, 'npm', ['run', 'db:migrate'], env);
    const server = await startServer(project, env);
    try {
      const { url } = server;
      expect(await json(await fetch(`${url}/health/ready`))).toEqual({ status: 'ok' });
      expect((await fetch(`${url}/docs`)).headers.get('content-type')).toContain('text/html');
      // no resource yet: every API path is a 404 in the envelope, an unknown version says so
      expect(await json(await fetch(`${url}/api/v1/anything`))).toEqual({ status: 'error', code: 404, errors: { detail: 'Not found.' } });
      expect(await json(await fetch(`${url}/api/v7/anything`))).toEqual({ status: 'error', code: 404, errors: { detail: 'Invalid version in URL path.' } });
      const refused = await fetch(`${url}/health/live`, { method: 'POST' });
      expect(refused.status).toBe(405);
    } finally {
      const stopped = await stopServer(server);
      expect(stopped.exitCode, server.output()).toBe(0);
      expect(stopped.ms).toBeLessThan(5_000);
    }
  }, 2 * MINUTES);
});
