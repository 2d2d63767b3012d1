// API throughput: the generated API's GET /api/v1/products (25 rows, anonymous, throttling on with a high
// limit) against the same rows from a bare Fastify route on the same database, side by side in one run.
// Run: npm run build && npx tsx bench/api.ts [--duration 10] [--connections 10]
import { copyFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { execa } from 'execa';
import { freePort, startServer, stopServer, inProject } from '../test/e2e/support.js';

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' }, project: { type: 'string' } },
});
const ROUNDS = Number(values.rounds);
const duration = Number(values.duration);
const connections = Number(values.connections);
const BIN = path.resolve(import.meta.dirname, '../bin/create-prod-api.js');

async function project(): Promise<string> {
  if (values.project) return path.resolve(values.project);
  const parent = await mkdtemp(path.join(os.tmpdir(), 'cpa-bench-api-'));
  console.log(`generating and installing a project in ${parent} (use --project DIR to reuse one)`);
  await execa(process.execPath, [BIN, 'api', '--yes', '--no-git'], { cwd: parent, env: { CI: 'true' } });
  return path.join(parent, 'api');
}

async function measure(url: string): Promise<{ rps: number; p99: number; errors: number }> {
  await autocannon({ url, connections, duration: 2 }); // warm-up: JIT, caches
  const result = await autocannon({ url, connections, duration });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const dir = await project();
const env = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-00',
  DATABASE_URL: path.join(dir, 'data/bench.sqlite'),
  THROTTLE_ANON: '100000000/hour',
};
await inProject(dir, 'npm', ['run', 'build']);
await inProject(dir, 'npm', ['run', 'db:migrate'], env);
await inProject(dir, 'npm', ['run', 'user:create', '--', '--username', 'bench', '--password', 'bench-password'], env).catch(() => undefined);

const ours = await startServer(dir, env);
const login = await fetch(`${ours.url}/api/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-password' }) });
const { access } = (await login.json()) as { access: string };
const existing = (await (await fetch(`${ours.url}/api/v1/products?page_size=25`)).json()) as { results: unknown[] };
for (let i = existing.results.length; i < 25; i++) {
  await fetch(`${ours.url}/api/v1/products`, { method: 'POST', headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `product ${i}`, price: '12.50', stock: 100 }) });
}

await copyFile(path.join(import.meta.dirname, 'bare-server.mjs'), path.join(dir, 'bare-server.mjs'));
const barePort = await freePort();
const bare = execa('node', ['bare-server.mjs'], { cwd: dir, env: { ...env, PORT: String(barePort) }, reject: false });
await new Promise<void>((resolve) => bare.stdout?.once('data', () => resolve()));

const oursUrl = `${ours.url}/api/v1/products`;
const bareUrl = `http://127.0.0.1:${barePort}/products`;
// the baseline must serve the same JSON, or the comparison means nothing (links differ only in host and path)
const normalise = (body: unknown) => JSON.stringify(body).replace(/http:[^"]*?cursor=/g, 'LINK?cursor=');
const [ourBody, bareBody] = await Promise.all([oursUrl, bareUrl].map(async (url) => normalise(await (await fetch(url)).json())));
if (ourBody !== bareBody) throw new Error(`the two servers answer differently:\n${ourBody}\n${bareBody}`);

// rounds alternate between the two, so neither always runs on a warmer (or busier) machine; medians are reported
const rounds: { generated: Awaited<ReturnType<typeof measure>>; baseline: Awaited<ReturnType<typeof measure>> }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const generated = await measure(oursUrl);
  const baseline = await measure(bareUrl);
  rounds.push({ generated, baseline });
}
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const generated = { rps: median(rounds.map((r) => r.generated.rps)), p99: median(rounds.map((r) => r.generated.p99)), errors: rounds.reduce((n, r) => n + r.generated.errors, 0) };
const baseline = { rps: median(rounds.map((r) => r.baseline.rps)), p99: median(rounds.map((r) => r.baseline.p99)), errors: rounds.reduce((n, r) => n + r.baseline.errors, 0) };

await stopServer(ours);
bare.kill('SIGTERM');
await bare;

const ratio = median(rounds.map((r) => r.generated.rps / r.baseline.rps));
console.log(`api (${connections} connections, ${ROUNDS} alternating rounds of ${duration}s each, medians; 2 cores shared with autocannon):`);
for (const [i, r] of rounds.entries()) console.log(`  round ${i + 1}: generated ${r.generated.rps.toFixed(0)} req/s, bare ${r.baseline.rps.toFixed(0)} req/s`);
console.log(`  generated GET /api/v1/products: ${generated.rps.toFixed(0)} req/s, p99 ${generated.p99} ms, errors ${generated.errors}`);
console.log(`  bare fastify route:             ${baseline.rps.toFixed(0)} req/s, p99 ${baseline.p99} ms, errors ${baseline.errors}`);
console.log(`  ratio: ${(ratio * 100).toFixed(1)}% of the bare route (target >= 80%)`);
