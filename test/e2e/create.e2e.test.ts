import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { contractCheckJourney } from './contract.js';
import { devServesAddedResource } from './dev.js';
import { growJourney } from './grow.js';
import { servesContract } from './journey.js';
import { oidcJourney } from './oidc.js';
import { tracesRequests } from './tracing.js';
import { upgradeJourney } from './upgrade.js';
import { generateProject, inProject, packTarball, startServer, stopServer, testsInARow } from './support.js';

// The whole user journey, twice: the packed tarball through npx, then in the
// generated project its own install, typecheck, tests and build, and the built
// server called over HTTP until SIGTERM.

const MINUTES = 60_000;
let tarball: string;

beforeAll(async () => {
  tarball = await packTarball();
}, 5 * MINUTES);

const generate = (name: string, flags: string[]) => generateProject(tarball, name, flags);

async function checkProject(project: string, runs = 1): Promise<void> {
  await inProject(project, 'npx', ['tsc', '--noEmit']);
  // its ESLint rules (types and all, on the installed packages) and its Prettier settings (the generated CI's lint)
  await inProject(project, 'npm', ['run', 'lint']);
  await testsInARow(project, runs);
  await inProject(project, 'npm', ['run', 'build']);
  // the committed migrations match the schema: drizzle-kit finds nothing to generate
  expect(await inProject(project, 'npx', ['drizzle-kit', 'generate'])).toContain('No schema changes');
}

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

describe('default project (fastify, sqlite, jwt, examples)', () => {
  let project: string;

  it(
    'is generated from the packed tarball and installed',
    async () => {
      project = await generate('shop-api', []);
      const manifest = JSON.parse(await readFile(path.join(project, 'create-prod-api.json'), 'utf8')) as { options: object };
      expect(manifest.options).toMatchObject({ framework: 'fastify', database: 'sqlite', auth: 'jwt', example: true });
    },
    10 * MINUTES,
  );

  it('typechecks, passes its own tests five times in a row, builds', () => checkProject(project, 5), 20 * MINUTES);

  it(
    "on its packages, an --auth oidc --api-keys project passes its own tests, and its built server trusts a provider's tokens",
    () => oidcJourney(tarball, project),
    10 * MINUTES,
  );

  it(
    'serves the contract over HTTP, then stops cleanly on SIGTERM',
    () =>
      servesContract(project, './data/e2e.sqlite', async (env) => {
        expect(await inProject(project, 'npm', ['run', 'tokens:flush'], env)).toContain('Flushed 0 expired refresh tokens.');
      }),
    2 * MINUTES,
  );

  it(
    "traces requests to an OTLP receiver: the caller's trace, route-pattern names, version, user, query and Redis spans",
    () => tracesRequests(project, './data/e2e.sqlite', 'sqlite', 'http/protobuf'),
    2 * MINUTES,
  );

  it(
    'contract:check: released versions only grow; each breaking edit is named, compatible ones pass',
    () => contractCheckJourney(project),
    5 * MINUTES,
  );

  it(
    'grows: resources, v3, its own copy, the field commands; contract:check after each; tests, HTTP, v1/v2 unchanged',
    () => growJourney(project),
    10 * MINUTES,
  );

  it('npm run dev serves a resource added while it runs, with no restart by hand', () => devServesAddedResource(project), 3 * MINUTES);

  it(
    'upgrades a project 0.1.0 made, grown and edited: the conflict resolved, --continue; tests, build, contract:check; its database migrated, data kept',
    () => upgradeJourney(project, { framework: 'fastify', edited: true }),
    10 * MINUTES,
  );
});

describe('bare project (--auth none --no-example)', () => {
  let project: string;

  it(
    'is generated from the packed tarball and installed',
    async () => {
      project = await generate('bare-api', ['--auth', 'none', '--no-example']);
    },
    10 * MINUTES,
  );

  it('typechecks, passes its own tests, builds', () => checkProject(project), 10 * MINUTES);

  it(
    'upgrades a bare project 0.1.0 made and grown: exactly a fresh replay; tests, build, contract:check; its database migrated, rows kept',
    () => upgradeJourney(project, { framework: 'fastify', bare: true }),
    10 * MINUTES,
  );

  it(
    'refuses to start on a bad setting, one line per problem',
    async () => {
      const result = await execa('node', ['dist/server.js'], {
        cwd: project,
        env: { PORT: 'eighty', THROTTLE_ANON: 'lots' },
        reject: false,
      });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('config: PORT: expected a port number');
      expect(result.stderr).toContain('config: THROTTLE_ANON: expected N/second|minute|hour|day');
      // production serves only the hosts it is told of: without PUBLIC_URL or ALLOWED_HOSTS it does not start
      const hostless = await execa('node', ['dist/server.js'], {
        cwd: project,
        env: { NODE_ENV: 'production', DATABASE_URL: './data/e2e.sqlite', ALLOWED_HOSTS: '', PUBLIC_URL: '' },
        reject: false,
      });
      expect(hostless.exitCode).toBe(1);
      expect(hostless.stderr.trim()).toBe(
        'config: PUBLIC_URL or ALLOWED_HOSTS: production needs one: PUBLIC_URL=https://api.example.com (links are built on it) or ALLOWED_HOSTS=api.example.com (the hosts clients may name).',
      );
    },
    MINUTES,
  );

  it(
    'serves health, docs and the envelope, then stops cleanly on SIGTERM',
    async () => {
      const env = { NODE_ENV: 'production', DATABASE_URL: './data/e2e.sqlite', LOG_LEVEL: 'warn' };
      await inProject(project, 'npm', ['run', 'db:migrate'], env);
      const server = await startServer(project, env);
      try {
        const { url } = server;
        expect(await json(await fetch(`${url}/health/ready`))).toEqual({ status: 'ok' });
        expect((await fetch(`${url}/docs`)).headers.get('content-type')).toContain('text/html');
        // no resource yet: every API path is a 404 in the envelope, an unknown version says so
        expect(await json(await fetch(`${url}/api/v1/anything`))).toEqual({ status: 'error', code: 404, errors: { detail: 'Not found.' } });
        expect(await json(await fetch(`${url}/api/v7/anything`))).toEqual({
          status: 'error',
          code: 404,
          errors: { detail: 'Invalid version in URL path.' },
        });
        const refused = await fetch(`${url}/health/live`, { method: 'POST' });
        expect(refused.status).toBe(405);
      } finally {
        const stopped = await stopServer(server);
        expect(stopped.exitCode, server.output()).toBe(0);
        expect(stopped.ms).toBeLessThan(5_000);
      }
    },
    2 * MINUTES,
  );
});
