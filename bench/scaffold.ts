// Scaffold time: `create-prod-api x --yes --no-install --no-git`, median of 5 runs of the built CLI.
// Run: npm run build && npx tsx bench/scaffold.ts
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

const BIN = path.resolve(import.meta.dirname, '../bin/create-prod-api.js');
const RUNS = 5;

const times: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'cpa-bench-'));
  const started = process.hrtime.bigint();
  await execa(process.execPath, [BIN, 'x', '--yes', '--no-install', '--no-git'], { cwd: parent, env: { CI: 'true' } });
  times.push(Number(process.hrtime.bigint() - started) / 1e6);
  await rm(parent, { recursive: true, force: true });
}
times.sort((a, b) => a - b);
const median = times[Math.floor(RUNS / 2)]!;
console.log(`scaffold: runs ${times.map((ms) => ms.toFixed(0)).join(', ')} ms; median ${median.toFixed(0)} ms (target < 1000 ms)`);
