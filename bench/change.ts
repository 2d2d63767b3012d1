// A change to the generated code, measured side by side: the same project made by two generators (--before and
// --after: generated projects, installed or linked to one install), GET /api/v1/products?page_size=25 (the list) and
// GET /api/v1/products/<id> (the detail), anonymous. Target (issue 24): after >= 100 % of before on both.
// Three servers run at once, the before build twice: each round loads all three at the same time (autocannon, 5
// connections each, the order rotated every round), so each gets the same share of the same machine; the figure is
// the median of the rounds' after/before ratios, and the second before server's ratio (an A/A pair: no change at
// all) shows what the method cannot tell apart. Then each build's server CPU per request, alone under load,
// alternating, medians: the steadier figure on a CPU-bound server.
// Run: npm run bench:change -- --before DIR --after DIR [--duration 4] [--rounds 7] [--cpu-rounds 5]
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { inProject, startServer, stopServer, type RunningServer } from '../test/e2e/support.js';
import { cpuPerRequest } from './cpu.js';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    after: { type: 'string' },
    duration: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '7' },
    'cpu-rounds': { type: 'string', default: '5' },
  },
});
if (!values.before || !values.after) throw new Error('--before DIR and --after DIR are required: generated projects, installed');
const DIRS = { before: path.resolve(values.before), after: path.resolve(values.after) };
const DURATION = Number(values.duration);
const ROUNDS = Number(values.rounds);

const env = (dir: string) => ({
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-00',
  DATABASE_URL: path.join(dir, 'data/bench-change.sqlite'),
  ALLOWED_HOSTS: '127.0.0.1,localhost',
  THROTTLE_ANON: '100000000/hour',
  THROTTLE_USER: '100000000/hour',
  THROTTLE_LOGIN: '100000000/hour',
  THROTTLE_LOGIN_USER: '100000000/hour',
});

/** Builds and migrates the project and gives it 25 products; the path of one product's detail. */
async function prepare(dir: string): Promise<string> {
  await inProject(dir, 'npm', ['run', 'build']);
  await inProject(dir, 'npm', ['run', 'db:migrate'], env(dir));
  await inProject(
    dir,
    'npm',
    ['run', 'user:create', '--', '--username', 'bench', '--password', 'correct horse battery', '--staff'],
    env(dir),
  ).catch(
    () => undefined, // made by an earlier run
  );
  const server = await startServer(dir, env(dir));
  try {
    const login = await fetch(`${server.url}/api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: 'correct horse battery' }),
    });
    const { access } = (await login.json()) as { access: string };
    const existing = (await (await fetch(`${server.url}/api/v1/products?page_size=25`)).json()) as { results: { id: number }[] };
    for (let i = existing.results.length; i < 25; i++) {
      await fetch(`${server.url}/api/v1/products`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `product ${i}`, price: '12.50', stock: 100 }),
      });
    }
    const first = (await (await fetch(`${server.url}/api/v1/products?page_size=1`)).json()) as { results: { id: number }[] };
    return `/api/v1/products/${first.results[0]!.id}`;
  } finally {
    await stopServer(server);
  }
}

const LIST = '/api/v1/products?page_size=25';
const detail = { before: await prepare(DIRS.before), after: await prepare(DIRS.after) };
if (detail.before !== detail.after) throw new Error(`the two projects' first products differ: ${detail.before}, ${detail.after}`);
const ENDPOINTS = { list: LIST, detail: detail.after } as const;
type Endpoint = keyof typeof ENDPOINTS;

const SERVERS = ['before', 'again', 'after'] as const;
type Server = (typeof SERVERS)[number];

async function round(urls: Record<Server, string>, target: string, index: number): Promise<Record<Server, number>> {
  const order = SERVERS.map((_, position) => SERVERS[(position + index) % SERVERS.length]!);
  const results = await Promise.all(
    order.map((server) => autocannon({ url: `${urls[server]}${target}`, connections: 5, duration: DURATION })),
  );
  for (const result of results)
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${target}: ${result.non2xx} non-2xx and ${result.errors} errors`);
  return Object.fromEntries(order.map((server, position) => [server, results[position]!.requests.total / DURATION])) as Record<
    Server,
    number
  >;
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

const running: Record<Server, RunningServer> = {
  before: await startServer(DIRS.before, env(DIRS.before)),
  again: await startServer(DIRS.before, env(DIRS.before)),
  after: await startServer(DIRS.after, env(DIRS.after)),
};
const urls = Object.fromEntries(SERVERS.map((server) => [server, running[server].url])) as Record<Server, string>;
const lines: string[] = [];
try {
  for (const endpoint of Object.keys(ENDPOINTS) as Endpoint[]) {
    const target = ENDPOINTS[endpoint];
    await Promise.all(SERVERS.map((server) => autocannon({ url: `${urls[server]}${target}`, connections: 5, duration: 2 }))); // warm-up
    const rps: Record<Server, number[]> = { before: [], again: [], after: [] };
    for (let index = 0; index < ROUNDS; index++) {
      const answered = await round(urls, target, index);
      for (const server of SERVERS) rps[server].push(answered[server]);
    }
    const ratios = rps.after.map((after, index) => after / rps.before[index]!);
    const control = rps.again.map((again, index) => again / rps.before[index]!);
    lines.push(
      `| ${endpoint} (GET ${target}) | ${median(rps.before).toFixed(0)} | ${median(rps.after).toFixed(0)} | ` +
        `${percent(median(ratios))} (rounds ${ratios.map(percent).join(', ')}) | ${percent(median(control))} |`,
    );
  }

  // CPU per request, each server alone under load, the builds taking turns (the second before server is the A/A pair)
  const cpu = Object.fromEntries(
    (Object.keys(ENDPOINTS) as Endpoint[]).map((endpoint) => [endpoint, { before: [], again: [], after: [] }]),
  ) as unknown as Record<Endpoint, Record<Server, number[]>>;
  for (let index = 0; index < Number(values['cpu-rounds']); index++) {
    for (const endpoint of Object.keys(ENDPOINTS) as Endpoint[]) {
      for (const build of SERVERS.map((_, position) => SERVERS[(position + index) % SERVERS.length]!)) {
        const server = running[build];
        cpu[endpoint][build].push(
          await cpuPerRequest(server.process.pid!, { url: `${server.url}${ENDPOINTS[endpoint]}`, headers: {} }, 5_000),
        );
      }
    }
  }
  console.log('| endpoint | before req/s (median) | after req/s (median) | after / before (median of the rounds) | A/A: before / before |');
  console.log('|---|---|---|---|---|');
  for (const line of lines) console.log(line);
  for (const endpoint of Object.keys(ENDPOINTS) as Endpoint[]) {
    const { before, again, after } = cpu[endpoint];
    const ratio = median(before) / median(after);
    const ms = (runs: number[]) => `${median(runs).toFixed(4)} ms (${runs.map((run) => run.toFixed(4)).join(', ')})`;
    console.log(
      `${endpoint}: server CPU per request, medians of ${before.length}: before ${ms(before)}, after ${ms(after)}, ` +
        `A/A ${ms(again)}; the throughput it allows, after / before: ${percent(ratio)} ` +
        `(A/A: ${percent(median(before) / median(again))}; target >= 100 %: ${ratio >= 1 ? 'met' : 'MISSED'})`,
    );
  }
} finally {
  await Promise.all(SERVERS.map((server) => stopServer(running[server])));
}
