// The generator's clock: the time now, unless CREATE_PROD_API_CLOCK (milliseconds since 1970) says which. The
// manifest's log records the time each command ran at; replaying the log sets it, so the dates and migration
// times the commands write come out the same.
import { UsageError } from '../errors.js';

export const CLOCK_ENV = 'CREATE_PROD_API_CLOCK';

let fixed: Date | undefined;

/** One time for the whole command, read the first time it is asked for: every date it writes agrees with its log entry. */
export function now(): Date {
  fixed ??= readClock(process.env);
  return new Date(fixed.getTime());
}

function readClock(env: NodeJS.ProcessEnv): Date {
  const given = env[CLOCK_ENV];
  if (given === undefined || given === '') return new Date();
  const ms = Number(given);
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new UsageError(`${CLOCK_ENV}=${given}: expected milliseconds since 1970, e.g. ${Date.now()}.`);
  return new Date(ms);
}
