import { Redis } from 'ioredis';
import type { QueryObserver } from './observability/queries.js';

/**
 * The Redis connection for shared state (throttle counts). It fails fast
 * instead of queueing commands while Redis is away, so an outage costs a
 * request milliseconds, not a hang; it keeps reconnecting in the background,
 * so the next request after Redis returns uses it again, with no restart.
 */
export async function openRedis(url: string, options: { timeoutMs: number; onCommand?: QueryObserver }): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.timeoutMs,
    connectTimeout: options.timeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // connection errors surface on the commands that fail; without a listener they would crash the process
  redis.on('error', () => {});
  if (options.onCommand) observeCommands(redis, options.onCommand);
  // connected before the first request is counted; unreachable at start, the app starts anyway and
  // throttles in its failure mode until the background reconnection succeeds
  await redis.connect().catch(() => undefined);
  return redis;
}

/** Every command, told by its name only (its arguments hold keys and counts): a span each, when tracing is on. */
function observeCommands(redis: Redis, onCommand: QueryObserver): void {
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command, stream) => {
    const end = onCommand(command.name.toUpperCase());
    command.promise.then(() => end(), end);
    return send(command, stream);
  }) as typeof redis.sendCommand;
}
