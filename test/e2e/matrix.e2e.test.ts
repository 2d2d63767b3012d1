import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { growJourney } from './grow.js';
import { contractJourney } from './journey.js';
import type { Socket } from 'node:net';
import { adminStatement, generateProject, inProject, openHalfSentRequest, packTarball, SERVERS, startServer, stopServer, withDatabase } from './support.js';

// Express and Hono on every database, each project installed from its own package.json by the generator:
// typecheck, its own tests (the same files as Fastify's), build, migrate, start, the HTTP contract, SIGTERM.
// Fastify's three projects are in create.e2e.test.ts and databases.e2e.test.ts.

const MINUTES = 60_000;
const FRAMEWORKS = ['express', 'hono'] as const;
const DATABASES = ['sqlite', 'postgres', 'mysql'] as const;
const CASES = FRAMEWORKS.flatMap((framework) => DATABASES.map((database) => [framework, database] as const));

let tarball: string;
beforeAll(async () => {
  tarball = await packTarball();
}, 5 * MINUTES);

describe.each(CASES)('%s on %s', (framework, database) => {
  let project: string;
  const name = `e2e_${randomBytes(4).toString('hex')}`;
  const server = database === 'sqlite' ? undefined : SERVERS[database];

  afterAll(async () => {
    if (project && server) await adminStatement(project, database as 'postgres' | 'mysql', `DROP DATABASE IF EXISTS ${name}`);
  });

  it('is generated and installed', async () => {
    project = await generateProject(tarball, `${framework}-${database}-api`, ['--framework', framework, '--database', database]);
  }, 10 * MINUTES);

  it('typechecks, passes its own tests, builds', async () => {
    await inProject(project, 'npx', ['tsc', '--noEmit']);
    await inProject(project, 'npm', ['test'], server ? { DATABASE_URL: server } : {});
    await inProject(project, 'npm', ['run', 'build']);
  }, 10 * MINUTES);

  it('serves the contract over HTTP, then stops cleanly on SIGTERM', async () => {
    if (server) await adminStatement(project, database as 'postgres' | 'mysql', `CREATE DATABASE ${name}`);
    const env = {
      NODE_ENV: 'production',
      JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
      DATABASE_URL: server ? withDatabase(server, name) : './data/e2e.sqlite',
      THROTTLE_LOGIN: '5/minute',
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '1500',
    };
    await inProject(project, 'npm', ['run', 'db:migrate'], env);
    await inProject(project, 'npm', ['run', 'user:create', '--', '--username', 'alice', '--password', 's3cret-pass', '--staff'], env);
    const running = await startServer(project, env);
    let halfSent: Socket | undefined;
    try {
      await contractJourney(running.url);
      // a client that sends half a request and waits: SIGTERM must still end in exit 0 once the grace period is over
      halfSent = await openHalfSentRequest(running.url);
    } finally {
      const stopped = await stopServer(running);
      halfSent?.destroy();
      expect(stopped.exitCode, running.output()).toBe(0);
      expect(stopped.ms).toBeGreaterThanOrEqual(halfSent ? 1_000 : 0);
      expect(stopped.ms).toBeLessThan(5_000);
    }
  }, 3 * MINUTES);

  // growing is the same on every framework; SQLite and PostgreSQL are the databases it is proven on here
  if (database !== 'mysql') {
    it('grows: add-resource twice, add-version from v1, a changed v3 field; its tests and HTTP', () =>
      growJourney(tarball, project, server ? { server: { database: database as 'postgres', url: server } } : {}), 10 * MINUTES);
  }
});
