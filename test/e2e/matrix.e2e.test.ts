import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  databaseDifferences,
  describeDifferences,
  FRAMEWORKS,
  fuzz,
  generateTrio,
  lintDocuments,
  replayCorpus,
  startFresh,
  startTrio,
  stopTrio,
  type Answer,
  type Framework,
} from './differential.js';
import { growJourney } from './grow.js';
import { typedClientJourney } from './typed-client.js';
import { docsJourney } from './docs-browser.js';
import { servesContract } from './journey.js';
import { tracesRequests } from './tracing.js';
import { upgradeJourney } from './upgrade.js';
import type { RunningServer } from './support.js';
import { oidcDifferential, oidcProjectOn } from './oidc.js';
import { adminStatement, generateProject, inProject, packTarball, SERVERS, stopServer, withDatabase } from './support.js';

// On SQLite, one project generated for all three frameworks, served side by side: the differential corpus and the
// property test. Then Express and Hono on every server database: typecheck, its own tests (the same files as
// Fastify's), build, migrate, start, the HTTP contract, SIGTERM; and on PostgreSQL (Express) and MySQL (Hono) the
// corpus again, whose statuses and refusals must be SQLite's, and the property test. Fastify's own projects are in
// create.e2e.test.ts and databases.e2e.test.ts.

const MINUTES = 60_000;
/** The SQLite corpus run's answers (Fastify's), which PostgreSQL and MySQL must give too: that block runs first. */
let sqliteAnswers: Record<string, Answer> | undefined;
const SERVER_DATABASES = ['postgres', 'mysql'] as const;
type Database = 'sqlite' | (typeof SERVER_DATABASES)[number];

let tarball: string;
beforeAll(async () => {
  tarball = await packTarball();
}, 5 * MINUTES);

async function typecheckTestBuild(project: string, database: Database): Promise<void> {
  await inProject(project, 'npx', ['tsc', '--noEmit']);
  await inProject(project, 'npm', ['run', 'lint']);
  await inProject(project, 'npm', ['test'], database === 'sqlite' ? {} : { DATABASE_URL: SERVERS[database] });
  await inProject(project, 'npm', ['run', 'build']);
}

/** On a database of its own (created here on a server, so that afterAll drops it): the contract journey, SIGTERM. */
async function servesContractOn(project: string, database: Database, name: string): Promise<void> {
  const server = database === 'sqlite' ? undefined : SERVERS[database];
  if (server) await adminStatement(project, database as 'postgres' | 'mysql', `CREATE DATABASE ${name}`);
  await servesContract(project, server ? withDatabase(server, name) : './data/e2e.sqlite');
}

describe('one SQLite project on Fastify, Express and Hono', () => {
  let projects: Record<Framework, string> | undefined;
  let servers: Partial<Record<Framework, RunningServer>> = {};
  afterAll(() => stopTrio(servers));
  const project = (framework: Framework) => projects?.[framework];
  let staffTokens: Record<Framework, string> | undefined;

  it(
    'is generated for each: Express installed from the tarball, Fastify and Hono on its node_modules',
    async () => {
      const express = await generateProject(tarball, 'sqlite-api', ['--framework', 'express', '--api-keys']);
      projects = await generateTrio(tarball, 'sqlite-api', { framework: 'express', project: express }, ['--api-keys']);
    },
    10 * MINUTES,
  );

  describe.each(['express', 'hono'] as const)('on %s', (framework) => {
    // its own tests run for Express and Hono on PostgreSQL and MySQL above, and on SQLite with Fastify (create.e2e):
    // the database layer is the same whatever the framework, so the runs here would repeat those (CI time)
    it(
      'typechecks, lints, builds',
      async () => {
        await inProject(project(framework)!, 'npx', ['tsc', '--noEmit']);
        await inProject(project(framework)!, 'npm', ['run', 'lint']);
        await inProject(project(framework)!, 'npm', ['run', 'build']);
      },
      10 * MINUTES,
    );
    if (framework === 'express') {
      // a jwt --api-keys project's own tests on SQLite (on the server databases they run below)
      it('passes its own tests (jwt, --api-keys) on SQLite', () => inProject(project(framework)!, 'npm', ['test']), 5 * MINUTES);
    }
    it(
      'serves the contract over HTTP, then stops cleanly on SIGTERM',
      () => servesContractOn(project(framework)!, 'sqlite', ''),
      3 * MINUTES,
    );
  });

  it(
    'answers the differential corpus the same, byte for byte, on all three',
    async () => {
      if (!projects) throw new Error('no generated projects: an earlier step failed');
      servers = await startTrio(projects);
      const { sent, differences, statuses, answers, staffTokens: tokens } = await replayCorpus(servers as Record<Framework, RunningServer>);
      sqliteAnswers = answers;
      staffTokens = tokens;
      expect(sent).toBeGreaterThanOrEqual(200);
      expect(differences, `the frameworks answered differently:\n${describeDifferences(differences)}`).toEqual([]);
      // the corpus does what it says: its requests reach what they aim at (a broken token would make them all 401)
      expect(statuses).toMatchObject({
        'create product as staff': 201,
        'create product, chunked body': 201,
        'create product as user: 403': 403,
        'me with an API key (X-API-Key)': 200,
        'me with an API key as a Bearer token': 200,
        'me under v2 with an API key': 200,
        "create product with the user's API key: 403": 403,
        'me with an unknown API key': 401,
        'me with an empty X-API-Key': 401,
        'me with a bad key beside a good token: the key decides': 401,
        'a public list with a refused key: 401': 401,
        'create product: price not a decimal': 400,
        'list products, next page': 200,
        'delete product as staff': 204,
        'create order: more than in stock': 400,
        'refresh: rotates': 200,
        'refresh: the rotated token again (reuse)': 401,
        'OPTIONS on the product list': 405,
        'GET /api/v1/./products': 200,
        'GET /api/v1/%zz': 400,
        'Host not allowed': 400,
        'two Host headers': 400,
        'absolute-form naming another host': 400,
        // health checks answer whatever the Host; any other path refuses one no URL can be made of, or none
        'Host with a port past 65535': 200,
        'no Host header': 400,
        'no Host header, health': 200,
        'product detail, If-None-Match *': 304,
        'product detail, If-None-Match stale': 200,
        'change product, stale If-Match': 412,
        'change product, If-Match garbage': 412,
        'delete product, stale If-Match': 412,
        'change product, If-Match *': 200,
        'create order with an Idempotency-Key': 201,
        'create order, the same key again': 201,
        'create order, the same key, another body': 422,
        'create order, an Idempotency-Key with a space': 400,
        'create order, an empty Idempotency-Key': 400,
        'refresh with an Idempotency-Key: not read': 401,
        'list products, filtered and ordered': 200,
        'list products, icontains with % and _': 200,
        'list products, search': 200,
        'list products, values that do not parse': 400,
        'list products, undeclared ordering': 400,
        'list products, repeated ordering': 200,
        'list products, 11 search terms': 400,
        'list products, a filter as an object': 200,
        'list products v2, ordering=price': 200,
        'list products, a cursor of another query': 400,
        'list orders by product, by quantity': 200,
        'list orders, 101 products': 400,
        'list products, maxed cursor 1': 400,
        'list products, maxed cursor 2': 400,
        'list products, maxed cursor 3': 400,
        'product detail 2147483648': 404,
        'create product, stock past 32 bits': 400,
        'create product, stock at the 32-bit maximum': 201,
        'create product, NUL in the name': 400,
        'order, product id past 32 bits': 400,
        'a 20 KB header: 431': 431,
        'gzip-encoded body: 415': 415,
        'a body over 1 MiB: 413': 413,
        'CORS preflight, allowed origin': 204,
        'a raw space in the path': 400,
        'a body shorter than its Content-Length, then the end': 400,
        'failed login 12 of 12': 429,
        'a read meanwhile': 200,
      });
    },
    5 * MINUTES,
  );

  it.each(FRAMEWORKS)(
    'answers 200 arbitrary requests by the contract on %s, and serves after (fast-check)',
    async (framework) => {
      const server = servers[framework];
      if (!server || !staffTokens) throw new Error('no running server: an earlier step failed');
      await fuzz(server, 200, staffTokens[framework]);
    },
    3 * MINUTES,
  );

  it(
    'as --auth oidc, answers every token refusal of §4.1 and the tokens that pass the same, byte for byte, on all three',
    async () => {
      if (!projects) throw new Error('no generated projects: an earlier step failed');
      const { sent, differences, statuses } = await oidcDifferential(tarball, projects.express);
      expect(sent).toBeGreaterThanOrEqual(20);
      expect(differences.join('\n'), 'the frameworks answered differently').toBe('');
      // each request reaches what it aims at: a provider that were not trusted would make them all 401
      expect(statuses).toMatchObject({
        ready: 200,
        'me with a valid token': 200,
        'me without preferred_username': 200,
        'me anonymous': 401,
        'another audience': 401,
        'no audience': 401,
        'no issuer': 401,
        'an unknown kid': 401,
        'alg none': 401,
        // health checks read no credentials
        'a public route with a refused token': 200,
        'the token endpoint: none here': 404,
      });
    },
    5 * MINUTES,
  );

  it(
    'serves OpenAPI documents that Redocly (recommended) and Spectral (spectral:oas) pass with no error or warning',
    async () => {
      const server = servers.fastify;
      if (!server) throw new Error('no running server: an earlier step failed');
      // the documents are the same bytes on every framework (the corpus asks for both)
      expect(await lintDocuments(server, ['v1', 'v2'])).toEqual([]);
    },
    3 * MINUTES,
  );

  it('stops all three cleanly', async () => {
    for (const framework of FRAMEWORKS) {
      const server = servers[framework];
      if (!server) throw new Error('no running server: an earlier step failed');
      const stopped = await stopServer(server);
      expect(stopped.exitCode, server.output()).toBe(0);
    }
  });

  it.each(['fastify', 'hono'] as const)(
    'on %s, a typed client (client:generate, openapi-fetch, tsc --strict) runs the journey, directly and through Prism --errors',
    (framework) => typedClientJourney(project(framework)!),
    5 * MINUTES,
  );

  it.each(['fastify', 'hono'] as const)(
    'on %s, /docs in Chromium lists every operation of every version and "Try it out" answers (screenshot in .tmp/artifacts)',
    async (framework) => {
      const check = await docsJourney(project(framework)!, framework);
      expect(check.problems).toEqual([]);
      expect(Object.keys(check.operations)).toEqual(['v2', 'v1']);
      expect(check.operations).toEqual(check.expected);
      expect(check.tryItStatus).toBe(200);
    },
    3 * MINUTES,
  );
});

describe.each((['express', 'hono'] as const).flatMap((framework) => SERVER_DATABASES.map((database) => [framework, database] as const)))(
  '%s on %s',
  (framework, database) => {
    let project: string;
    const name = `e2e_${randomBytes(4).toString('hex')}`;

    afterAll(async () => {
      if (project) await adminStatement(project, database, `DROP DATABASE IF EXISTS ${name}`);
    });

    it(
      'is generated and installed',
      async () => {
        // with API keys: their own tests run on each server database, and the corpus's key entries compare with SQLite's
        project = await generateProject(tarball, `${framework}-${database}-api`, [
          '--framework',
          framework,
          '--database',
          database,
          '--api-keys',
        ]);
      },
      10 * MINUTES,
    );

    it('typechecks, lints, passes its own tests, builds', () => typecheckTestBuild(project, database), 10 * MINUTES);

    it('serves the contract over HTTP, then stops cleanly on SIGTERM', () => servesContractOn(project, database, name), 3 * MINUTES);

    // the corpus and the property test on each server database once: Express on PostgreSQL, Hono on MySQL
    if ((framework === 'express') === (database === 'postgres')) {
      it(
        "answers the differential corpus as SQLite does (every status, every refusal's body), then 200 arbitrary requests by the contract",
        async () => {
          if (!sqliteAnswers) throw new Error('no SQLite answers to compare with: the SQLite corpus run failed');
          const corpusName = `${name}_corpus`;
          await adminStatement(project, database, `CREATE DATABASE ${corpusName}`);
          const server = await startFresh(project, { DATABASE_URL: withDatabase(SERVERS[database], corpusName) });
          try {
            const { answers, staffTokens } = await replayCorpus({ [database]: server });
            expect(databaseDifferences(sqliteAnswers, answers, ['sqlite', database]).join('\n')).toBe('');
            await fuzz(server, 200, staffTokens[database]);
          } finally {
            const stopped = await stopServer(server);
            await adminStatement(project, database, `DROP DATABASE IF EXISTS ${corpusName}`);
            expect(stopped.exitCode, server.output()).toBe(0);
          }
        },
        5 * MINUTES,
      );
    }

    // growing and tracing are the same on every framework and server database: Express on PostgreSQL, Hono on
    // MySQL (and Fastify on SQLite, in create.e2e)
    if ((framework === 'express') === (database === 'postgres')) {
      it(
        "traces requests to an OTLP receiver: the caller's trace, route-pattern names, version, user, query and Redis spans",
        () =>
          tracesRequests(
            project,
            withDatabase(SERVERS[database], name),
            database === 'postgres' ? 'postgresql' : 'mysql',
            // both encodings OTLP/HTTP has: JSON here, protobuf (the default) on Hono and in create.e2e
            database === 'postgres' ? 'http/json' : 'http/protobuf',
          ),
        2 * MINUTES,
      );

      it(
        'on its packages, an --auth oidc --api-keys project passes its own tests on the real server',
        () =>
          oidcProjectOn(tarball, project, ['--framework', framework, '--database', database], {
            DATABASE_URL: SERVERS[database],
            REDIS_URL: SERVERS.redis,
          }),
        5 * MINUTES,
      );

      it(
        'grows: resources, v3, its own copy, the field commands; contract:check after each; tests, HTTP, v1/v2 unchanged',
        () => growJourney(project, { server: { database, url: SERVERS[database] } }),
        10 * MINUTES,
      );

      it(
        'upgrades a project 0.1.0 made and grown: exactly a fresh replay; tests, build, contract:check; its database migrated, data kept',
        () => upgradeJourney(project, { framework, server: { database, url: SERVERS[database] } }),
        10 * MINUTES,
      );
    }
  },
);
