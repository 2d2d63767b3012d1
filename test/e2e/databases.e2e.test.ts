import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServesAddedResource } from './dev.js';
import {
  adminStatement,
  freePort,
  generateProject,
  inProject,
  packTarball,
  RedisServer,
  SERVERS,
  startServer,
  stopServer,
  TcpProxy,
  testsInARow,
  withDatabase,
  type RunningServer,
} from './support.js';

// The server datastores end to end, against the PostgreSQL and MariaDB running beside the tests
// (POSTGRES_URL / MYSQL_URL, defaulting to this machine's). A missing server fails these tests: it never skips them.

const MINUTES = 60_000;
let tarball: string;
/** the generated projects, for the scale-out tests that follow */
const projects: Partial<Record<'postgres' | 'mysql', string>> = {};
beforeAll(async () => {
  tarball = await packTarball();
}, 5 * MINUTES);

describe.each(['postgres', 'mysql'] as const)('%s project', (database) => {
  let project: string;
  const name = `e2e_${randomBytes(4).toString('hex')}`;
  let databaseUrl: string;
  let env: Record<string, string>;
  const servers: RunningServer[] = [];

  afterAll(async () => {
    for (const server of servers) if (server.process.exitCode === null) server.process.kill('SIGKILL');
    if (project)
      await adminStatement(
        project,
        database,
        database === 'postgres' ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${name}`,
      );
  });

  it(
    'is generated from the packed tarball and installed',
    async () => {
      project = await generateProject(tarball, `${database}-api`, ['--database', database]);
      projects[database] = project;
      databaseUrl = withDatabase(SERVERS[database], name);
      env = {
        NODE_ENV: 'production',
        JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'warn',
        ALLOWED_HOSTS: '127.0.0.1',
      };
    },
    10 * MINUTES,
  );

  it(
    'typechecks, lints, passes its own tests on the real server five times in a row, builds',
    async () => {
      await inProject(project, 'npx', ['tsc', '--noEmit']);
      await inProject(project, 'npm', ['run', 'lint']);
      await testsInARow(project, 5, { DATABASE_URL: SERVERS[database], REDIS_URL: SERVERS.redis });
      await inProject(project, 'npm', ['run', 'build']);
      expect(await inProject(project, 'npx', ['drizzle-kit', 'generate'], { DATABASE_URL: databaseUrl })).toContain('No schema changes');
    },
    20 * MINUTES,
  );

  it(
    'migrates a database it creates itself (the server allows it), then finds nothing to do',
    async () => {
      const first = await inProject(project, 'npm', ['run', 'db:migrate'], env);
      expect(first).toContain(`Created the database ${databaseUrl}.`);
      expect(first).toContain('Migrations applied.');
      const again = await inProject(project, 'npm', ['run', 'db:migrate'], env);
      expect(again).not.toContain('Created the database');
      expect(again).toContain('Migrations applied.');
      await inProject(project, 'npm', ['run', 'user:create', '--', '--username', 'alice', '--password', 's3cret-pass', '--staff'], env);
    },
    2 * MINUTES,
  );

  it(
    'db:migrate says in one line what to run when the database cannot be made, or the server is not there',
    async () => {
      const user = `lim_${randomBytes(3).toString('hex')}`;
      await adminStatement(project, database, database === 'postgres' ? `CREATE ROLE ${user} LOGIN` : `CREATE USER '${user}'@'%'`);
      try {
        const limited = SERVERS[database].replace(/\/\/[^@/]*@/, `//${user}@`).replace(/\/[^/]*$/, `/missing_${user}`);
        const denied = await execa('npm', ['run', '--silent', 'db:migrate'], {
          cwd: project,
          env: { ...env, DATABASE_URL: limited },
          reject: false,
        });
        expect(denied.exitCode).toBe(1);
        const lines = denied.stderr.trim().split('\n');
        expect(lines, denied.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(new RegExp(`^migrations: could not apply them to .*missing_${user}.*CREATE DATABASE`));
      } finally {
        await adminStatement(
          project,
          database,
          database === 'postgres' ? `DROP ROLE IF EXISTS ${user}` : `DROP USER IF EXISTS '${user}'@'%'`,
        );
      }
      const port = await freePort();
      const nowhere = databaseUrl.replace(/@[^/]+\//, `@127.0.0.1:${port}/`);
      const refused = await execa('npm', ['run', '--silent', 'db:migrate'], {
        cwd: project,
        env: { ...env, DATABASE_URL: nowhere },
        reject: false,
      });
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^migrations: could not apply them to .*: connect ECONNREFUSED 127\.0\.0\.1:\d+$/),
      ]);
    },
    2 * MINUTES,
  );

  it(
    'two instances share the database: one rotation, no oversold stock, one object for one Idempotency-Key',
    async () => {
      const [a, b] = [await startServer(project, env), await startServer(project, env)];
      servers.push(a, b);
      const post = (server: RunningServer, path: string, body: unknown, token?: string, headers: Record<string, string> = {}) =>
        fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
          body: JSON.stringify(body),
        });

      const tokens = (await (await post(a, '/api/token', { username: 'alice', password: 's3cret-pass' })).json()) as {
        access: string;
        refresh: string;
      };
      // a refresh token rotated on A is refused on B
      expect((await post(a, '/api/token/refresh', { refresh: tokens.refresh })).status).toBe(200);
      expect((await post(b, '/api/token/refresh', { refresh: tokens.refresh })).status).toBe(401);

      // 10 concurrent refreshes of one token spread over both: exactly one wins
      const fresh = (await (await post(b, '/api/token', { username: 'alice', password: 's3cret-pass' })).json()) as { refresh: string };
      const refreshes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => post(i % 2 ? a : b, '/api/token/refresh', { refresh: fresh.refresh })),
      );
      expect(refreshes.filter((response) => response.status === 200)).toHaveLength(1);

      // 25 concurrent orders against stock 10, half on each instance: exactly 10
      const product = (await (await post(a, '/api/v1/products', { name: 'Lamp', price: '12.50', stock: 10 }, tokens.access)).json()) as {
        id: number;
      };
      const orders = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          post(i % 2 ? a : b, '/api/v1/orders', { product_id: product.id, quantity: 1, shipping_address: 'x' }, tokens.access),
        ),
      );
      expect(orders.filter((response) => response.status === 201)).toHaveLength(10);
      expect(orders.filter((response) => response.status === 400)).toHaveLength(15);
      const after = (await (await fetch(`${b.url}/api/v1/products/${product.id}`)).json()) as { stock: number; price: string };
      expect(after).toMatchObject({ stock: 0, price: '12.50' });

      // 10 concurrent orders with one Idempotency-Key, half on each instance: one order, the rest replays or 409s
      const restocked = (await (await post(a, '/api/v1/products', { name: 'Desk', price: '80.00', stock: 10 }, tokens.access)).json()) as {
        id: number;
      };
      const keyed = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          post(i % 2 ? a : b, '/api/v1/orders', { product_id: restocked.id, quantity: 1, shipping_address: 'x' }, tokens.access, {
            'Idempotency-Key': 'both-instances',
          }),
        ),
      );
      expect(keyed.filter((response) => response.status === 201 && !response.headers.has('idempotent-replayed'))).toHaveLength(1);
      expect(keyed.every((response) => response.status === 201 || response.status === 409)).toBe(true);
      const desk = (await (await fetch(`${b.url}/api/v1/products/${restocked.id}`)).json()) as { stock: number };
      expect(desk.stock).toBe(9);

      for (const server of [a, b]) {
        const stopped = await stopServer(server);
        expect(stopped.exitCode, server.output()).toBe(0);
        expect(stopped.ms).toBeLessThan(5_000);
      }
    },
    2 * MINUTES,
  );

  it(
    'readiness is 503 while the database is unreachable and 200 again once it is back, without a restart',
    async () => {
      const target = new URL(databaseUrl);
      const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port) }, await freePort());
      await proxy.start();
      const viaProxy = new URL(databaseUrl);
      viaProxy.port = String(proxy.port);
      const server = await startServer(project, { ...env, DATABASE_URL: viaProxy.toString(), DATABASE_TIMEOUT_MS: '1000' });
      servers.push(server);
      const ready = async () => fetch(`${server.url}/health/ready`);
      try {
        expect((await ready()).status).toBe(200);
        await proxy.stop();
        const down = await ready();
        expect(down.status).toBe(503);
        expect(await down.json()).toEqual({ status: 'error', code: 503, errors: { detail: 'database is unavailable.' } });
        expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
        await proxy.start();
        let status = 0;
        for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
          status = (await ready()).status;
          if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect(status).toBe(200);
      } finally {
        await stopServer(server);
        await proxy.stop();
      }
    },
    2 * MINUTES,
  );

  it(
    'a bad DATABASE_URL stops the start with one line that never shows the password',
    async () => {
      const port = await freePort();
      const bad = withDatabase(SERVERS[database], name).replace(/\/\/([^@/]*@)?[^/]+\//, `//user:sup3r-s3cret@127.0.0.1:${port}/`);
      const result = await execa('node', ['dist/server.js'], {
        cwd: project,
        env: { ...env, DATABASE_URL: bad, DATABASE_TIMEOUT_MS: '1000' },
        reject: false,
      });
      expect(result.exitCode).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^database: cannot connect to (postgres|mysql):\/\/user:\*\*\*@127\.0\.0\.1:\d+\//);
      expect(result.stderr).not.toContain('sup3r-s3cret');

      const malformed = await execa('node', ['dist/server.js'], {
        cwd: project,
        env: { ...env, DATABASE_URL: 'not-a-url' },
        reject: false,
      });
      expect(malformed.exitCode).toBe(1);
      expect(malformed.stderr).toMatch(/^config: DATABASE_URL: expected (postgres|mysql):\/\//);
    },
    2 * MINUTES,
  );

  it(
    'npm run dev creates its database, and serves a resource added while it runs with no restart by hand',
    async () => {
      const devDatabase = `dev_${randomBytes(4).toString('hex')}`;
      try {
        await devServesAddedResource(project, { DATABASE_URL: withDatabase(SERVERS[database], devDatabase) });
      } finally {
        await adminStatement(project, database, `DROP DATABASE IF EXISTS ${devDatabase}`);
      }
    },
    3 * MINUTES,
  );
});

describe('scale out: two instances, one Redis, one PostgreSQL', () => {
  const name = `e2e_${randomBytes(4).toString('hex')}`;
  let redis: RedisServer;
  let env: Record<string, string>;
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    // a Redis of this test's own, so stopping it leaves the shared one alone
    redis = new RedisServer(await freePort());
    await redis.start();
    await adminStatement(projects.postgres!, 'postgres', `CREATE DATABASE ${name}`);
    env = {
      NODE_ENV: 'production',
      JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
      DATABASE_URL: withDatabase(SERVERS.postgres, name),
      REDIS_URL: redis.url,
      THROTTLE_ANON: '20/minute',
      LOG_LEVEL: 'error',
    };
    await inProject(projects.postgres!, 'npm', ['run', 'db:migrate'], env);
    await inProject(
      projects.postgres!,
      'npm',
      ['run', 'user:create', '--', '--username', 'alice', '--password', 's3cret-pass', '--staff'],
      env,
    );
  }, 2 * MINUTES);

  afterAll(async () => {
    for (const server of servers) if (server.process.exitCode === null) await stopServer(server);
    await redis?.stop();
    if (projects.postgres) await adminStatement(projects.postgres, 'postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it(
    'one global limit, one Redis outage survived, limits back when Redis is',
    async () => {
      const [a, b] = [await startServer(projects.postgres!, env), await startServer(projects.postgres!, env)];
      servers.push(a, b);
      const list = (i: number) => fetch(`${(i % 2 ? a : b).url}/api/v1/products`);

      // 40 requests alternating between the instances: exactly 20 pass the 20/minute limit
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await list(i)).status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(20);
      expect(statuses.filter((status) => status === 429)).toHaveLength(20);

      // Redis stops: anonymous requests are served uncounted, logins refuse, readiness names Redis
      await redis.stop();
      expect((await list(0)).status).toBe(200);
      expect((await list(1)).status).toBe(200);
      const login = await fetch(`${a.url}/api/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 's3cret-pass' }),
      });
      expect(login.status).toBe(503);
      const ready = await fetch(`${b.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { errors: { detail: string } }).errors.detail).toMatch(/^redis is unavailable: degraded/);

      // Redis is back (empty): the next requests use it again, no restart; a fresh window of 20
      await redis.start();
      let readyAgain = 0;
      for (let attempt = 0; attempt < 40 && readyAgain !== 200; attempt++) {
        readyAgain = (await fetch(`${a.url}/health/ready`)).status;
        if (readyAgain !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(readyAgain).toBe(200);
      const again: number[] = [];
      for (let i = 0; i < 30; i++) again.push((await list(i)).status);
      expect(again.filter((status) => status === 429).length).toBeGreaterThanOrEqual(10 - 1);
      expect(again.filter((status) => status === 200).length).toBeLessThanOrEqual(20);
    },
    2 * MINUTES,
  );

  it(
    'a forged X-Forwarded-For buys no fresh quota: off, and behind one trusted hop',
    async () => {
      for (const trust of ['false', '1']) {
        const server = await startServer(projects.postgres!, { ...env, THROTTLE_ANON: '3/minute', TRUST_PROXY: trust, REDIS_URL: '' });
        servers.push(server);
        const as = (forwardedFor: string) => fetch(`${server.url}/api/v1/products`, { headers: { 'x-forwarded-for': forwardedFor } });
        const statuses: number[] = [];
        // behind one hop the client is the last address; a client prepending fake ones stays itself
        for (const forged of ['1.1.1.1, 9.9.9.9', '2.2.2.2, 9.9.9.9', '3.3.3.3, 9.9.9.9', '4.4.4.4, 9.9.9.9'])
          statuses.push((await as(forged)).status);
        expect(statuses, `TRUST_PROXY=${trust}`).toEqual([200, 200, 200, 429]);
        await stopServer(server);
      }
    },
    2 * MINUTES,
  );
});
