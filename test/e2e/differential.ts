// One project built on Fastify, Express and Hono, served side by side on the same data: the differential corpus
// (corpus.ts) and a fast-check property test replayed against all three.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { ROOT } from '../cli/helpers.js';
import { corpus, normalize, STAFF, USER, type ReplayState } from './corpus.js';
export { STAFF, USER };
import { generateProject, inProject, startServer, stopServer, type RunningServer } from './support.js';
import { exchange, requestBytes, type WireAnswer, type WireRequest } from './wire.js';

export const FRAMEWORKS = ['fastify', 'express', 'hono'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/**
 * The same project (same name and options) generated for each framework. `installed` is a generated SQLite project
 * that is already installed: the others get no install of their own but a link to its node_modules, into which the
 * packages it lacks (the other frameworks') are added without touching its package.json. One native build of
 * better-sqlite3 serves all three.
 */
export async function generateTrio(
  tarball: string,
  name: string,
  installed: { framework: Framework; project: string },
  flags: string[] = [],
): Promise<Record<Framework, string>> {
  const projects = { [installed.framework]: installed.project } as Record<Framework, string>;
  for (const framework of FRAMEWORKS) {
    if (framework === installed.framework) continue;
    projects[framework] = await generateProject(tarball, name, ['--framework', framework, '--no-install', ...flags], { install: false });
  }
  const missing = new Set<string>();
  for (const framework of FRAMEWORKS) {
    const manifest = JSON.parse(await readFile(path.join(projects[framework], 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
      if (!existsSync(path.join(installed.project, 'node_modules', name, 'package.json'))) missing.add(`${name}@${range}`);
    }
  }
  if (missing.size > 0) await inProject(installed.project, 'npm', ['install', '--no-save', '--no-audit', '--no-fund', ...missing]);
  for (const framework of FRAMEWORKS) {
    if (framework !== installed.framework)
      await symlink(path.join(installed.project, 'node_modules'), path.join(projects[framework], 'node_modules'), 'dir');
  }
  return projects;
}

/** Every throttle generous but the login's, which the corpus spends at its end. */
export const LOGIN_LIMIT = 10;
const ENV = {
  NODE_ENV: 'production',
  JWT_SECRET: 'differential-secret-differential-secret',
  DATABASE_URL: './data/differential.sqlite',
  LOG_LEVEL: 'warn',
  CORS_ORIGINS: 'https://app.example.com',
  THROTTLE_ANON: '100000/hour',
  THROTTLE_USER: '100000/hour',
  THROTTLE_LOGIN: `${LOGIN_LIMIT}/minute`,
  SHUTDOWN_GRACE_MS: '1000',
};

/** Builds the project if need be, makes a fresh database with the corpus's two users, and starts it. */
export async function startFresh(project: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const settings = { ...ENV, ...env };
  if (!existsSync(path.join(project, 'dist/server.js'))) await inProject(project, 'npm', ['run', 'build']);
  // a fresh database each time: the corpus expects the ids it creates
  for (const suffix of ['', '-wal', '-shm']) await rm(path.join(project, `${settings.DATABASE_URL}${suffix}`), { force: true });
  await inProject(project, 'npm', ['run', 'db:migrate'], settings);
  await inProject(
    project,
    'npm',
    ['run', 'user:create', '--', '--username', STAFF.username, '--password', STAFF.password, '--staff'],
    settings,
  );
  await inProject(project, 'npm', ['run', 'user:create', '--', '--username', USER.username, '--password', USER.password], settings);
  // with API keys (--api-keys): one of the user's, made as its owner would (the key alone on stdout)
  const scripts = (JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const apiKey = scripts['apikey:create']
    ? (
        await execa('npm', ['run', '--silent', 'apikey:create', '--', '--username', USER.username, '--name', 'corpus'], {
          cwd: project,
          env: { ...settings, CI: 'true' },
        })
      ).stdout.trim()
    : undefined;
  return Object.assign(await startServer(project, settings), { apiKey });
}

/** Each project on a fresh database, started. */
export async function startTrio(projects: Record<Framework, string>): Promise<Record<Framework, RunningServer>> {
  const servers = {} as Record<Framework, RunningServer>;
  for (const framework of FRAMEWORKS) servers[framework] = await startFresh(projects[framework]);
  return servers;
}

export async function stopTrio(servers: Partial<Record<Framework, RunningServer>>): Promise<void> {
  for (const server of Object.values(servers)) if (server.process.exitCode === null) await stopServer(server);
}

export type Answer = ReturnType<typeof normalize>;

export interface Difference<K extends string = Framework> {
  request: string;
  answers: Record<K, Answer>;
}

/**
 * Replays the corpus, each request sent to every server at once (so each throttle window sees the same timing), and
 * returns every request whose normalized answers are not identical, the first server's status and whole answer for
 * each request, and the number of requests. The servers are the frameworks on one database, or one server alone.
 */
export async function replayCorpus<K extends string>(
  servers: Record<K, RunningServer>,
): Promise<{
  sent: number;
  differences: Difference<K>[];
  statuses: Record<string, number>;
  answers: Record<string, Answer>;
  /** each server's staff access token, still valid: the property test writes with it */
  staffTokens: Record<K, string>;
}> {
  const names = Object.keys(servers) as K[];
  const entries = corpus(LOGIN_LIMIT);
  const states = Object.fromEntries(
    names.map((name) => [
      name,
      { tokens: { userKey: (servers[name] as RunningServer & { apiKey?: string }).apiKey ?? 'no-api-keys' }, next: '' } as ReplayState,
    ]),
  ) as Record<K, ReplayState>;
  const differences: Difference<K>[] = [];
  const statuses: Record<string, number> = {};
  const first: Record<string, Answer> = {};
  for (const entry of entries) {
    const answers = {} as Record<K, Answer>;
    await Promise.all(
      names.map(async (name) => {
        const request = entry.request(states[name]);
        const answer = await exchange(servers[name].url, requestBytes(request), 5_000, request.halfClose);
        answers[name] = normalize(answer, sentRequestId(request));
        if (entry.capture && answer.status < 300) entry.capture(answer, states[name]);
      }),
    );
    first[entry.name] = answers[names[0]!];
    statuses[entry.name] = answers[names[0]!].status;
    const [reference, ...rest] = names.map((name) => JSON.stringify(answers[name]));
    if (rest.some((other) => other !== reference)) differences.push({ request: entry.name, answers });
  }
  const staffTokens = Object.fromEntries(names.map((name) => [name, states[name].tokens.staff])) as Record<K, string>;
  return { sent: entries.length, differences, statuses, answers: first, staffTokens };
}

function sentRequestId(request: WireRequest): string | undefined {
  return request.headers?.find(([name]) => name.toLowerCase() === 'x-request-id')?.[1];
}

/** A difference as a reader wants it: the request, then each server's status, headers and body that differ from the first's. */
export function describeDifferences<K extends string>(differences: Difference<K>[]): string {
  return differences
    .map(({ request, answers }) => {
      const lines = [`- ${request}`];
      const [reference, ...others] = Object.keys(answers) as K[];
      for (const other of others) {
        const a = answers[reference!];
        const b = answers[other];
        if (a.status !== b.status) lines.push(`    status: ${reference} ${a.status}, ${other} ${b.status}`);
        if (a.timedOut !== b.timedOut) lines.push(`    timed out: ${reference} ${a.timedOut}, ${other} ${b.timedOut}`);
        for (const header of a.headers.filter((line) => !b.headers.includes(line))) lines.push(`    only ${reference}: ${header}`);
        for (const header of b.headers.filter((line) => !a.headers.includes(line))) lines.push(`    only ${other}: ${header}`);
        if (a.body !== b.body) lines.push(`    body: ${reference} ${a.body.slice(0, 300)}\n          ${other} ${b.body.slice(0, 300)}`);
      }
      return lines.join('\n');
    })
    .join('\n');
}

/**
 * Where one database answers the corpus otherwise than another: a status, or the body of a refusal (an error's
 * words are the contract's on every database). A success's body may differ: ids a failed insert used up on a
 * server's sequence, and the order of text under each database's collation.
 */
export function databaseDifferences(reference: Record<string, Answer>, other: Record<string, Answer>, names: [string, string]): string[] {
  const problems: string[] = [];
  for (const [request, a] of Object.entries(reference)) {
    const b = other[request];
    if (!b) problems.push(`- ${request}: no answer on ${names[1]}`);
    else if (a.status !== b.status)
      problems.push(`- ${request}: status ${names[0]} ${a.status}, ${names[1]} ${b.status}\n    ${b.body.slice(0, 300)}`);
    else if (a.status >= 400 && a.body !== b.body)
      problems.push(`- ${request}: body ${names[0]} ${a.body.slice(0, 300)}\n    ${names[1]} ${b.body.slice(0, 300)}`);
  }
  return problems;
}

/** Arbitrary requests: methods, paths, query strings, headers and bodies, as bytes a client could send. */
function arbitraryRequest(): fc.Arbitrary<WireRequest> {
  const token = fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{0,12}$/);
  const escape = fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).padStart(2, '0')}`);
  const segment = fc.oneof(
    fc.constantFrom(
      'api',
      'v1',
      'v2',
      'v9',
      'products',
      'orders',
      'me',
      'token',
      'refresh',
      'health',
      'live',
      'docs',
      'openapi.json',
      '1',
      '999',
      '..',
      '.',
    ),
    // ids at and past what a column holds
    fc.constantFrom('0', '2147483647', '2147483648', '-2147483649', '9007199254740993', '1e3'),
    token,
    escape,
  );
  const path = fc.array(segment, { minLength: 0, maxLength: 6 }).map((segments) => `/${segments.join('/')}`);
  // the lists' own parameters too, with values at and past every bound, a NUL and a lone surrogate (as UTF-8 would carry it)
  const key = fc.oneof(
    token,
    fc.constantFrom('page_size', 'cursor', 'ordering', 'search', 'price__gte', 'stock__lte', 'stock__in', 'product', 'name'),
  );
  const value = fc.oneof(
    token,
    escape,
    fc.constantFrom(
      '2147483648',
      '-2147483649',
      '9007199254740993',
      '1e400',
      '%00',
      '%ED%A0%80',
      'eyJ2IjpbOTAwNzE5OTI1NDc0MDk5MV0sImkiOjl9',
    ),
  );
  const query = fc.option(
    fc.array(fc.tuple(key, value), { maxLength: 4 }).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
    { nil: '' },
  );
  const method = fc.oneof(
    fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'),
    fc.stringMatching(/^[A-Z]{1,10}$/),
  );
  const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/).map((value) => value.trim());
  const header = fc.oneof(
    fc.tuple(
      fc.constantFrom(
        'Authorization',
        'Content-Type',
        'Accept',
        'Origin',
        'X-Request-Id',
        'Cookie',
        'X-Forwarded-For',
        'Content-Encoding',
        'Access-Control-Request-Method',
        'Host',
      ),
      headerValue,
    ),
    fc.tuple(
      fc.constantFrom('Host'),
      fc.oneof(fc.constantFrom('localhost:99999', '1.2.3.256', '[::1]:3000', '127.0.0.1:0'), fc.stringMatching(/^[a-z0-9.:[\]-]{0,20}$/)),
    ),
    fc.tuple(
      fc.constantFrom('Content-Type'),
      fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded'),
    ),
    fc.tuple(fc.constantFrom('Authorization'), fc.constantFrom('Bearer ', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x', 'Basic x')),
  );
  const body = fc.option(
    fc.oneof(
      fc.json().map((text) => Buffer.from(text)),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
      fc
        .record({ name: fc.string(), price: fc.oneof(fc.string(), fc.double()), stock: fc.oneof(fc.integer(), fc.string()) })
        .map((value) => Buffer.from(JSON.stringify(value))),
    ),
    { nil: undefined },
  );
  return fc
    .record({ method, path, query, headers: fc.array(header, { maxLength: 4 }), body, chunked: fc.boolean() })
    .map(({ method, path, query, headers, body, chunked }) => ({
      method,
      target: `${path}${query}`,
      headers,
      body,
      chunked,
    }));
}

/** What every answer must be: one, in time; never a 500; an error in the envelope with `code` equal to the status. */
export function answerProblem(request: WireRequest, answer: WireAnswer): string | undefined {
  if (answer.timedOut) return 'no answer in time';
  if (answer.status === 0) return 'no status line';
  if (answer.status >= 500 && answer.status !== 503) return `status ${answer.status}`;
  if (answer.status < 400 || request.method === 'HEAD') return undefined;
  const type = answer.headers.find(([name]) => name === 'content-type')?.[1];
  if (type !== 'application/json; charset=utf-8') return `error with Content-Type ${type}`;
  try {
    const body = JSON.parse(answer.body.toString()) as { status?: unknown; code?: unknown; errors?: unknown };
    if (body.status !== 'error' || body.code !== answer.status || typeof body.errors !== 'object' || body.errors === null) {
      return `not the envelope: ${answer.body.toString().slice(0, 200)}`;
    }
  } catch {
    return `error body not JSON: ${answer.body.toString().slice(0, 200)}`;
  }
  return undefined;
}

/**
 * Writes as staff (who may write products) and orders, with values at and past every bound a column has: integers
 * at each type's edge, a NUL, lone surrogates, text past its length, decimals past their digits. Anonymous requests
 * seldom get past the 401 to what a database would see.
 */
function arbitraryWrite(staffToken: string): fc.Arbitrary<WireRequest> {
  const int = fc.constantFrom(0, -1, 1, 2147483647, 2147483648, -2147483648, -2147483649, 2 ** 53, 1e308, 1.5);
  const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('a\u0000b', '\ud800', 'x \udfff', 'x'.repeat(256), ' '));
  const decimal = fc.oneof(fc.constantFrom('0.00', '99999999.99', '100000000.00', '-0.01', '1e5', 'NaN'), fc.double().map(String));
  const product = fc.record({ name: text, price: decimal, stock: int }, { requiredKeys: [] });
  const order = fc.record({ product_id: int, quantity: int }, { requiredKeys: [] });
  const write = fc.oneof(
    fc.record({ method: fc.constant('POST'), target: fc.constantFrom('/api/v1/products', '/api/v2/products'), body: product }),
    fc.record({ method: fc.constantFrom('PATCH', 'PUT'), target: int.map((id) => `/api/v1/products/${id}`), body: product }),
    fc.record({ method: fc.constant('POST'), target: fc.constant('/api/v1/orders'), body: order }),
    fc.record({ method: fc.constantFrom('GET', 'DELETE'), target: int.map((id) => `/api/v1/orders/${id}`), body: fc.constant({}) }),
  );
  return write.map(({ method, target, body }) => ({
    method,
    target,
    headers: [
      ['Authorization', `Bearer ${staffToken}`],
      ['Content-Type', 'application/json'],
    ],
    body: method === 'GET' || method === 'DELETE' ? undefined : Buffer.from(JSON.stringify(body)),
  }));
}

/**
 * fast-check against one server: every arbitrary request answered by the contract, and the server serving after.
 * With a staff token, as many writes with values at every bound again.
 */
export async function fuzz(server: RunningServer, runs: number, staffToken?: string): Promise<void> {
  const requests = staffToken ? fc.oneof(arbitraryRequest(), arbitraryWrite(staffToken)) : arbitraryRequest();
  await fc.assert(
    fc.asyncProperty(requests, async (request) => {
      const answer = await exchange(server.url, requestBytes(request));
      const problem = answerProblem(request, answer);
      if (problem) throw new Error(`${problem}\nrequest: ${requestBytes(request).toString('latin1').slice(0, 500)}`);
    }),
    { numRuns: runs },
  );
  const live = await exchange(server.url, requestBytes({ method: 'GET', target: '/health/live' }));
  if (live.status !== 200) throw new Error(`the server stopped serving: /health/live answered ${live.status}`);
}

/**
 * Every version's OpenAPI document, as the server serves it, through the linters its users run: Redocly CLI's
 * `recommended` ruleset and Spectral's `spectral:oas` (test/e2e/spectral.yaml), no rule switched off. Returns the
 * problems, each as `tool: version: rule: message`.
 */
export async function lintDocuments(server: RunningServer, versions: string[]): Promise<string[]> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'cpa-openapi-'));
  const files: string[] = [];
  for (const version of versions) {
    const response = await fetch(`${server.url}/api/${version}/openapi.json`);
    if (response.status !== 200) throw new Error(`GET /api/${version}/openapi.json answered ${response.status}`);
    const file = path.join(folder, `${version}.json`);
    await writeFile(file, await response.text());
    files.push(file);
  }
  const problems: string[] = [];
  for (const file of files) {
    const redocly = await execa(path.join(ROOT, 'node_modules/.bin/redocly'), ['lint', '--format=json', file], { reject: false });
    const report = JSON.parse(redocly.stdout) as { problems: { ruleId: string; message: string }[] };
    problems.push(...report.problems.map((problem) => `redocly: ${path.basename(file)}: ${problem.ruleId}: ${problem.message}`));
  }
  const spectral = await execa(
    path.join(ROOT, 'node_modules/.bin/spectral'),
    ['lint', '-r', path.join(ROOT, 'test/e2e/spectral.yaml'), '-f', 'json', ...files],
    {
      reject: false,
    },
  );
  const results = JSON.parse(spectral.stdout.slice(0, spectral.stdout.lastIndexOf(']') + 1)) as {
    code: string;
    message: string;
    source: string;
  }[];
  problems.push(...results.map((result) => `spectral: ${path.basename(result.source)}: ${result.code}: ${result.message}`));
  return problems;
}
