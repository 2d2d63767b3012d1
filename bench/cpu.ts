// A server's CPU time per request, read from /proc/<pid>/stat (Linux): every thread of the process included.
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import { execa } from 'execa';

/** The process's user + system CPU time in ms, every thread included. */
export async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // utime and stime: fields 14 and 15 of stat, 12 and 13 after the command name
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number((await execa('getconf', ['CLK_TCK'])).stdout.trim()) || 100;

/**
 * Server CPU ms per request over `amount` requests (2 connections), after a warm-up of a tenth as many.
 * `headersEach`: headers of each request's own (a new token each time), added to the common ones.
 */
export async function cpuPerRequest(
  pid: number,
  request: { url: string; method?: 'POST'; body?: string; headers: Record<string, string>; headersEach?: () => Record<string, string> },
  amount: number,
) {
  const { headersEach, ...common } = request;
  const each: Pick<autocannon.Options, 'requests'> = headersEach
    ? { requests: [{ setupRequest: (sent) => ({ ...sent, headers: { ...sent.headers, ...headersEach() } }) }] }
    : {};
  const run = async (count: number) => {
    const result = await autocannon({ ...common, ...each, connections: 2, amount: count });
    if (result.non2xx + result.errors > 0) throw new Error(`${request.url}: ${result.non2xx + result.errors} failed requests`);
  };
  await run(Math.ceil(amount / 10));
  const before = await cpuMs(pid);
  await run(amount);
  return ((await cpuMs(pid)) - before) / amount;
}
