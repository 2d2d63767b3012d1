// API throughput, for each framework: the generated API's GET /api/v1/products (25 rows, anonymous, throttling on
// with a high limit) and an authenticated GET /api/v1/me, each against the same work done by a bare route of the
// same framework on the same SQLite database (bench/bare/). Side by side in one run, alternating, medians.
// Then, in the same run and on the same server, the server's CPU time per request of POST /api/token (a login:
// one argon2id check) beside GET /api/v1/me, read from /proc/<pid>/stat (thread-pool threads included).
// Run: npm run build && npx tsx bench/api.ts [--frameworks fastify,express,hono] [--duration 10] [--rounds 3]
//      [--projects DIR]   (DIR/<framework> holds an installed generated project to reuse; else one is generated)
//      [--cpu-only]       (only the CPU per request, not the throughput ratios)
import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { execa } from 'execa';
import { freePort, inProject, startServer, stopServer } from '../test/e2e/support.js';
import { cpuPerRequest } from './cpu.js';

const { values } = parseArgs({
  options: {
    frameworks: { type: 'string', default: 'fastify,express,hono' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    projects: { type: 'string' },
    'cpu-only': { type: 'boolean', default: false },
  },
});
const FRAMEWORKS = values.frameworks.split(',');
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const BIN = path.resolve(import.meta.dirname, '../bin/create-prod-api.js');
const SECRET = 'bench-secret-bench-secret-bench-secret-00';

interface Measure {
  rps: number;
  p99: number;
  errors: number;
}

async function project(framework: string): Promise<string> {
  const reuse = values.projects && path.resolve(values.projects, framework);
  if (reuse && existsSync(path.join(reuse, 'node_modules'))) return reuse;
  const parent = values.projects ? path.resolve(values.projects) : await mkdtemp(path.join(os.tmpdir(), 'cpa-bench-api-'));
  await mkdir(parent, { recursive: true });
  console.log(`generating and installing a ${framework} project in ${parent}`);
  await execa(process.execPath, [BIN, framework, '--yes', '--no-git', '--framework', framework], { cwd: parent, env: { CI: 'true' } });
  return path.join(parent, framework);
}

async function measure(url: string, headers: Record<string, string> = {}): Promise<Measure> {
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 2 }); // warm-up: JIT, caches
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
// links differ only in host and path: the rest of the body must be the same, or the comparison means nothing
const normalise = (body: unknown) => JSON.stringify(body).replace(/http:[^"]*?cursor=/g, 'LINK?cursor=');

const lines: string[] = [];
for (const framework of FRAMEWORKS) {
  const dir = await project(framework);
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    JWT_SECRET: SECRET,
    DATABASE_URL: path.join(dir, 'data/bench.sqlite'),
    THROTTLE_ANON: '100000000/hour',
    THROTTLE_USER: '100000000/hour',
    THROTTLE_LOGIN: '100000000/hour',
    THROTTLE_LOGIN_USER: '100000000/hour',
  };
  await inProject(dir, 'npm', ['run', 'build']);
  await inProject(dir, 'npm', ['run', 'db:migrate'], env);
  await inProject(dir, 'npm', ['run', 'user:create', '--', '--username', 'bench', '--password', 'correct horse battery'], env).catch(
    () => undefined,
  );
  // products are written by staff
  await inProject(dir, 'npm', ['run', 'user:promote', '--', '--username', 'bench'], env);

  const ours = await startServer(dir, env);
  const login = await fetch(`${ours.url}/api/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'correct horse battery' }),
  });
  const { access } = (await login.json()) as { access: string };
  const auth = { authorization: `Bearer ${access}` };
  const existing = (await (await fetch(`${ours.url}/api/v1/products?page_size=25`)).json()) as { results: unknown[] };
  for (let i = existing.results.length; i < 26; i++) {
    await fetch(`${ours.url}/api/v1/products`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `product ${i}`, price: '12.50', stock: 100 }),
    });
  }

  const pid = ours.process.pid!;
  const loginBody = JSON.stringify({ username: 'bench', password: 'correct horse battery' });
  const cpu = {
    login: await cpuPerRequest(
      pid,
      { url: `${ours.url}/api/token`, method: 'POST', body: loginBody, headers: { 'content-type': 'application/json' } },
      300,
    ),
    me: await cpuPerRequest(pid, { url: `${ours.url}/api/v1/me`, headers: auth }, 20_000),
  };
  const cpuLine =
    `${framework.padEnd(8)} server CPU per request: POST /api/token ${cpu.login.toFixed(2)} ms | GET /api/v1/me ${cpu.me.toFixed(3)} ms` +
    ` | login target <= 25 ms: ${cpu.login <= 25 ? 'met' : 'MISSED'}`;
  console.log(cpuLine);
  lines.push(cpuLine);
  // a filtered, searched and ordered list against the plain one, the same 25 rows answered (contract §6): the list
  // machinery's cost per request, alternated twice to even out the machine's drift
  const plainList = `${ours.url}/api/v1/products?page_size=25`;
  const filteredList = `${ours.url}/api/v1/products?page_size=25&price__gte=1&stock__lte=1000&search=product&ordering=-price,name`;
  const listCpu = { plain: 0, filtered: 0 };
  for (let round = 0; round < 2; round++) {
    listCpu.plain += await cpuPerRequest(pid, { url: plainList, headers: {} }, 5_000);
    listCpu.filtered += await cpuPerRequest(pid, { url: filteredList, headers: {} }, 5_000);
  }
  const listRatio = listCpu.filtered / listCpu.plain;
  const listLine =
    `${framework.padEnd(8)} list CPU per request: plain ${(listCpu.plain / 2).toFixed(3)} ms | filtered+searched+ordered ${(listCpu.filtered / 2).toFixed(3)} ms` +
    ` = ${listRatio.toFixed(2)}x | target <= 1.25x: ${listRatio <= 1.25 ? 'met' : 'MISSED'}`;
  console.log(listLine);
  lines.push(listLine);
  if (values['cpu-only']) {
    await stopServer(ours);
    continue;
  }

  await cp(path.join(import.meta.dirname, 'bare'), path.join(dir, 'bench-bare'), { recursive: true });
  const barePort = await freePort();
  const bare = execa('node', [`bench-bare/${framework}.mjs`], { cwd: dir, env: { ...env, PORT: String(barePort) }, reject: false });
  await new Promise<void>((resolve) => bare.stdout?.once('data', () => resolve()));
  const bareUrl = `http://127.0.0.1:${barePort}`;

  const endpoints = [
    { name: 'GET /api/v1/products (anonymous)', ours: `${ours.url}/api/v1/products`, bare: `${bareUrl}/products`, headers: {} },
    { name: 'GET /api/v1/me (authenticated)', ours: `${ours.url}/api/v1/me`, bare: `${bareUrl}/me`, headers: auth },
  ];
  for (const endpoint of endpoints) {
    const [a, b] = await Promise.all(
      [endpoint.ours, endpoint.bare].map(async (url) => normalise(await (await fetch(url, { headers: endpoint.headers })).json())),
    );
    if (a !== b) throw new Error(`${framework} ${endpoint.name}: the two servers answer differently:\n${a}\n${b}`);

    const rounds: { ours: Measure; bare: Measure }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rounds.push({ ours: await measure(endpoint.ours, endpoint.headers), bare: await measure(endpoint.bare, endpoint.headers) });
    }
    const ratio = median(rounds.map((r) => r.ours.rps / r.bare.rps));
    const errors = rounds.reduce((n, r) => n + r.ours.errors + r.bare.errors, 0);
    const line =
      `${framework.padEnd(8)} ${endpoint.name.padEnd(34)} generated ${median(rounds.map((r) => r.ours.rps))
        .toFixed(0)
        .padStart(6)} req/s ` +
      `p99 ${median(rounds.map((r) => r.ours.p99))} ms | bare ${median(rounds.map((r) => r.bare.rps))
        .toFixed(0)
        .padStart(6)} req/s ` +
      `p99 ${median(rounds.map((r) => r.bare.p99))} ms | ratio ${(ratio * 100).toFixed(1)}%${errors ? ` | ${errors} errors` : ''}`;
    console.log(line);
    lines.push(line);
  }

  await stopServer(ours);
  bare.kill('SIGTERM');
  await bare;
}

console.log(`\napi: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${DURATION}s each, medians; target ratio >= 80%`);
for (const line of lines) console.log(line);
