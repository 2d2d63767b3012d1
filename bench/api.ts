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

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' }, project: { type: 'string' } } });
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

// alternate the two so neither always runs on a warmer machine
const generated = await measure(`${ours.url}/api/v1/products`);
const baseline = await measure(`http://127.0.0.1:${barePort}/products`);

await stopServer(ours);
bare.kill('SIGTERM');
await bare;

const ratio = generated.rps / baseline.rps;
console.log(`api (${connections} connections, ${duration}s each, 2 cores shared with autocannon):`);
console.log(`  generated GET /api/v1/products: ${generated.rps.toFixed(0)} req/s, p99 ${generated.p99} ms, errors ${generated.errors}`);
console.log(`  bare fastify route:             ${baseline.rps.toFixed(0)} req/s, p99 ${baseline.p99} ms, errors ${baseline.errors}`);
console.log(`  ratio: ${(ratio * 100).toFixed(1)}% of the bare route (target >= 80%)`);
