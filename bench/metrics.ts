// What observability costs: the generated API's GET /api/v1/products (25 rows, anonymous) with METRICS=true, and
// with traces on (OTEL_EXPORTER_OTLP_ENDPOINT, to a receiver in this process), against the same build with both off;
// target: metrics on, traces off >= 95 % of both off. Side by side in the strict sense: the three servers run at
// once and are loaded at once, each round, so each gets the same share of the same machine and the ratio of their
// answers is the ratio of their costs (alternating runs measured this VM's speed drifting by 30 % between runs);
// the figure is the median of the rounds' ratios.
// And the startup time (process start to the first 200 from /health/live), median of 7 each; with --baseline DIR (the
// same project made by an earlier create-prod-api, before traces and metrics, on the same node_modules) the startup
// with both off is compared with it: target, unchanged within noise.
// And the server's CPU per request (/proc, every thread) with metrics on and off, alternating, 10,000 requests a
// round on 2 connections, medians: on a CPU-bound server throughput is its inverse, and it is the steadier figure
// (no other load shares the machine while it is read).
// Run: npm run build && npx tsx bench/metrics.ts --project DIR [--baseline DIR]   (installed generated projects)
//      [--duration 4] [--rounds 9] [--cpu-rounds 5]
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { inProject, startServer, stopServer } from '../test/e2e/support.js';
import { startOtlpReceiver } from '../test/e2e/tracing.js';
import { cpuPerRequest } from './cpu.js';

const { values } = parseArgs({
  options: {
    project: { type: 'string' },
    baseline: { type: 'string' },
    duration: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '9' },
    'cpu-rounds': { type: 'string', default: '5' },
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
const receiver = await startOtlpReceiver();
const modes = {
  off: base,
  metrics: { ...base, METRICS: 'true', METRICS_TOKEN: TOKEN },
  traces: { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
} as const;
type Mode = keyof typeof modes;
const MODES = Object.keys(modes) as Mode[];

await inProject(DIR, 'npm', ['run', 'build']);
await inProject(DIR, 'npm', ['run', 'db:migrate'], base);
await inProject(
  DIR,
  'npm',
  ['run', 'user:create', '--', '--username', 'bench', '--password', 'correct horse battery', '--staff'],
  base,
).catch(() => undefined);

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

/**
 * One round: every mode's server loaded at once for DURATION seconds; requests answered per second, by mode. The
 * loads start in an order rotated each round: an A/A run (both servers off) favoured whichever started first.
 */
async function round(urls: Record<Mode, string>, index: number): Promise<Record<Mode, number>> {
  const order = MODES.map((_, position) => MODES[(position + index) % MODES.length]!);
  const results = await Promise.all(
    order.map((mode) => autocannon({ url: `${urls[mode]}/api/v1/products?page_size=25`, connections: 5, duration: DURATION })),
  );
  for (const result of results)
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx and ${result.errors} errors`);
  return Object.fromEntries(order.map((mode, position) => [mode, results[position]!.requests.total / DURATION])) as Record<Mode, number>;
}

async function throughputs(): Promise<{ rps: Record<Mode, number[]>; ratios: Record<Mode, number[]> }> {
  const servers = await Promise.all(MODES.map((mode) => startServer(DIR, modes[mode])));
  const urls = Object.fromEntries(MODES.map((mode, index) => [mode, servers[index]!.url])) as Record<Mode, string>;
  const rps: Record<Mode, number[]> = { off: [], metrics: [], traces: [] };
  const ratios: Record<Mode, number[]> = { off: [], metrics: [], traces: [] };
  try {
    await Promise.all(MODES.map((mode) => autocannon({ url: `${urls[mode]}/api/v1/products?page_size=25`, connections: 5, duration: 2 }))); // warm-up
    for (let index = 0; index < ROUNDS; index++) {
      const answered = await round(urls, index);
      for (const mode of MODES) {
        rps[mode].push(answered[mode]);
        ratios[mode].push(answered[mode] / answered.off);
      }
    }
    const text = await (await fetch(`${urls.metrics}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    if (!text.includes('route="/api/v1/products"')) throw new Error('metrics on, but /metrics does not count the products route');
  } finally {
    await Promise.all(servers.map((server) => stopServer(server)));
  }
  return { rps, ratios };
}

/** Server CPU ms per products page with metrics off and on, alternating rounds, each server alone under load. */
async function cpuCosts(): Promise<{ off: number[]; metrics: number[] }> {
  const servers = { off: await startServer(DIR, modes.off), metrics: await startServer(DIR, modes.metrics) };
  const costs = { off: [] as number[], metrics: [] as number[] };
  try {
    for (let index = 0; index < Number(values['cpu-rounds']); index++) {
      for (const mode of index % 2 === 0 ? (['off', 'metrics'] as const) : (['metrics', 'off'] as const)) {
        const server = servers[mode];
        costs[mode].push(
          await cpuPerRequest(server.process.pid!, { url: `${server.url}/api/v1/products?page_size=25`, headers: {} }, 10_000),
        );
      }
    }
  } finally {
    await Promise.all(Object.values(servers).map((server) => stopServer(server)));
  }
  return costs;
}

async function startup(env: Record<string, string>, dir = DIR): Promise<number> {
  const started = process.hrtime.bigint();
  const server = await startServer(dir, env);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await stopServer(server);
  return ms;
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
const { rps, ratios } = await throughputs();
const cpu = await cpuCosts();
if (!receiver.spans.some((span) => span.name === 'GET /api/v1/products'))
  throw new Error('traces on, but no span of the products route came');
const BASELINE = values.baseline ? path.resolve(values.baseline) : undefined;
if (BASELINE) {
  await inProject(BASELINE, 'npm', ['run', 'build']);
  await inProject(BASELINE, 'npm', ['run', 'db:migrate'], base);
}
const boot: Record<Mode | 'baseline', number[]> = { off: [], metrics: [], traces: [], baseline: [] };
for (let run = 0; run < 7; run++) {
  for (const mode of MODES) boot[mode].push(await startup(modes[mode]));
  if (BASELINE) boot.baseline.push(await startup(base, BASELINE));
}
await receiver.close();

console.log(
  '| build | GET /api/v1/products req/s, the three at once (median) | share of both-off (median of the rounds) | startup to first 200 (median of 7) |',
);
console.log('|---|---|---|---|');
const label = {
  off: 'metrics off, traces off',
  metrics: 'metrics on, traces off',
  traces: 'metrics off, traces on',
  baseline: 'baseline (--baseline), both off',
};
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
for (const mode of MODES) {
  const each = ratios[mode].map(percent).join(', ');
  console.log(
    `| ${label[mode]} | ${median(rps[mode]).toFixed(0)} | ${percent(median(ratios[mode]))} (rounds: ${each}) | ${median(boot[mode]).toFixed(0)} ms |`,
  );
}
if (BASELINE) console.log(`| ${label.baseline} | - | - | ${median(boot.baseline).toFixed(0)} ms |`);
const ratio = median(ratios.metrics);
console.log(`metrics on / off throughput: ${percent(ratio)} (target >= 95 %: ${ratio >= 0.95 ? 'met' : 'MISSED'})`);
const cpuRatio = median(cpu.off) / median(cpu.metrics);
console.log(
  `server CPU per request (medians of ${cpu.off.length}): off ${median(cpu.off).toFixed(4)} ms, metrics on ${median(cpu.metrics).toFixed(4)} ms ` +
    `(rounds: off ${cpu.off.map((ms) => ms.toFixed(4)).join(', ')}; on ${cpu.metrics.map((ms) => ms.toFixed(4)).join(', ')}): ` +
    `the throughput it allows, on / off: ${percent(cpuRatio)} (target >= 95 %: ${cpuRatio >= 0.95 ? 'met' : 'MISSED'})`,
);
console.log(`traces on / off throughput: ${percent(median(ratios.traces))} (no target)`);
if (BASELINE) {
  // noise: the spread of the off runs themselves (interquartile range of the 7)
  const sorted = [...boot.off].sort((a, b) => a - b);
  const noise = sorted[5]! - sorted[1]!;
  const change = median(boot.off) - median(boot.baseline);
  console.log(
    `startup, both off, against the baseline: ${change >= 0 ? '+' : ''}${change.toFixed(0)} ms (noise, the off runs' interquartile range: ${noise.toFixed(0)} ms; ${Math.abs(change) <= noise ? 'unchanged within noise: met' : 'MISSED'})`,
  );
}
