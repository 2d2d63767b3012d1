// What metrics cost: the generated API's GET /api/v1/products (25 rows, anonymous) with METRICS=true against the
// same build with metrics off, side by side in one run (alternating rounds, medians); target: on >= 95 % of off.
// And the startup time (process start to the first 200 from /health/live), off and on, median of 7 each.
// Run: npm run build && npx tsx bench/metrics.ts --project DIR   (an installed generated project)
//      [--duration 10] [--rounds 3]
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { inProject, startServer, stopServer } from '../test/e2e/support.js';

const { values } = parseArgs({
  options: {
    project: { type: 'string' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
  },
});
if (!values.project) throw new Error('--project DIR is required: an installed generated project');
const DIR = path.resolve(values.project);
const DURATION = Number(values.duration);
const ROUNDS = Number(values.rounds);
const TOKEN = 'bench-metrics-token-0123456789';

const base = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-00',
  DATABASE_URL: path.join(DIR, 'data/bench-metrics.sqlite'),
  ALLOWED_HOSTS: '127.0.0.1,localhost',
  THROTTLE_ANON: '100000000/hour',
  THROTTLE_USER: '100000000/hour',
  THROTTLE_LOGIN: '100000000/hour',
  THROTTLE_LOGIN_USER: '100000000/hour',
};
const modes = { off: base, on: { ...base, METRICS: 'true', METRICS_TOKEN: TOKEN } } as const;

await inProject(DIR, 'npm', ['run', 'build']);
await inProject(DIR, 'npm', ['run', 'db:migrate'], base);
await inProject(DIR, 'npm', ['run', 'user:create', '--', '--username', 'bench', '--password', 'correct horse battery', '--staff'], base).catch(
  () => undefined,
);

// 25 products to list
{
  const server = await startServer(DIR, base);
  const login = await fetch(`${server.url}/api/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'correct horse battery' }),
  });
  const { access } = (await login.json()) as { access: string };
  const existing = (await (await fetch(`${server.url}/api/v1/products?page_size=25`)).json()) as { results: unknown[] };
  for (let i = existing.results.length; i < 25; i++) {
    await fetch(`${server.url}/api/v1/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `product ${i}`, price: '12.50', stock: 100 }),
    });
  }
  await stopServer(server);
}

async function throughput(env: Record<string, string>): Promise<number> {
  const server = await startServer(DIR, env);
  try {
    const url = `${server.url}/api/v1/products?page_size=25`;
    await autocannon({ url, connections: 10, duration: 2 }); // warm-up
    const result = await autocannon({ url, connections: 10, duration: DURATION });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx and ${result.errors} errors`);
    if ('METRICS' in env) {
      const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      if (!text.includes('route="/api/v1/products"')) throw new Error('metrics on, but /metrics does not count the products route');
    }
    return result.requests.average;
  } finally {
    await stopServer(server);
  }
}

async function startup(env: Record<string, string>): Promise<number> {
  const started = process.hrtime.bigint();
  const server = await startServer(DIR, env);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await stopServer(server);
  return ms;
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
const rps = { off: [] as number[], on: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of ['off', 'on'] as const) rps[mode].push(await throughput(modes[mode]));
}
const boot = { off: [] as number[], on: [] as number[] };
for (let run = 0; run < 7; run++) for (const mode of ['off', 'on'] as const) boot[mode].push(await startup(modes[mode]));

const ratio = median(rps.on) / median(rps.off);
console.log('| metrics | GET /api/v1/products req/s (median) | startup to first 200 (median) |');
console.log('|---|---|---|');
for (const mode of ['off', 'on'] as const) console.log(`| ${mode} | ${median(rps[mode]).toFixed(0)} | ${median(boot[mode]).toFixed(0)} ms |`);
console.log(`metrics on / off throughput: ${(ratio * 100).toFixed(1)} % (target >= 95 %: ${ratio >= 0.95 ? 'met' : 'MISSED'})`);
