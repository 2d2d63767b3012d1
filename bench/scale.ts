// Scaling out: GET /api/v1/products (25 rows, anonymous, throttled with a high limit) on one instance counting in
// memory vs one counting in Redis, and two instances sharing Redis vs one, side by side in one run.
// Run: npx tsx bench/scale.ts --project DIR   (an installed generated project, e.g. from bench/api.ts's --projects)
//      REDIS_URL (default redis://127.0.0.1:6379); throttle keys get a fresh prefix-free database index 9.
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { inProject, startServer, stopServer, type RunningServer } from '../test/e2e/support.js';

const { values } = parseArgs({
  options: { project: { type: 'string' }, duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } },
});
if (!values.project) throw new Error('--project DIR: an installed generated project (bench/api.ts --projects DIR makes them)');
const dir = path.resolve(values.project);
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
// database 9, so the bench's counters never mix with another app's keys on a shared Redis
const REDIS = `${process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'}/9`;

const env = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-00',
  DATABASE_URL: path.join(dir, 'data/bench.sqlite'),
  THROTTLE_ANON: '100000000/hour',
};
await inProject(dir, 'npm', ['run', 'build']);
await inProject(dir, 'npm', ['run', 'db:migrate'], env);

async function load(servers: RunningServer[]): Promise<{ rps: number; p99: number; errors: number }> {
  const run = (duration: number) =>
    Promise.all(
      servers.map((server) =>
        autocannon({ url: `${server.url}/api/v1/products`, connections: Math.max(1, Math.round(CONNECTIONS / servers.length)), duration }),
      ),
    );
  await run(2); // warm-up
  const results = await run(DURATION);
  return {
    rps: results.reduce((sum, r) => sum + r.requests.average, 0),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
  };
}

const report: string[] = [];
for (const [label, count, redis] of [
  ['1 instance, memory store', 1, false],
  ['1 instance, Redis store', 1, true],
  ['2 instances, Redis store', 2, true],
] as const) {
  const servers: RunningServer[] = [];
  for (let i = 0; i < count; i++) servers.push(await startServer(dir, redis ? { ...env, REDIS_URL: REDIS } : env));
  const result = await load(servers);
  for (const server of servers) await stopServer(server);
  report.push(
    `${label.padEnd(26)} ${result.rps.toFixed(0).padStart(6)} req/s  p99 ${result.p99} ms${result.errors ? `  ${result.errors} errors` : ''}`,
  );
  console.log(report[report.length - 1]);
}
console.log(`\nscale: ${CONNECTIONS} connections in all, ${DURATION}s each, 2 cores shared by servers and load generator`);
for (const line of report) console.log(line);
