import type { Redis } from 'ioredis';
import { SLICES, type Hit, type Rate, type ThrottleStore } from './throttle.js';

/**
 * The sliding window of throttle.ts (`slide`), step for step, in one atomic
 * script: any number of instances sharing one Redis enforce one global limit
 * in one round trip. A key is a hash of slice index -> `count:newest`. The clock is
 * Redis's own (TIME), so instances whose clocks differ still agree; tests may
 * pass a time instead (ARGV[4]).
 */
const HIT = `
local windowMs, limit, slices = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if now == nil then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local current = string.format('%d', math.floor(now / (windowMs / slices)))
local stored = redis.call('HGETALL', KEYS[1])
local live, total, currentCount = {}, 0, 0
for i = 1, #stored, 2 do
  local count, newest = string.match(stored[i + 1], '^(%d+):(%d+)$')
  count, newest = tonumber(count), tonumber(newest)
  if newest == nil or newest <= now - windowMs then
    redis.call('HDEL', KEYS[1], stored[i])
  else
    table.insert(live, { count, newest })
    total = total + count
    if stored[i] == current then currentCount = count end
  end
end
if total < limit then
  redis.call('HSET', KEYS[1], current, string.format('%d:%d', currentCount + 1, now))
  redis.call('PEXPIRE', KEYS[1], windowMs)
  return { 1, total + 1, 0, windowMs }
end
table.sort(live, function(a, b) return a[2] < b[2] end)
local remaining, retry = total, 0
for _, entry in ipairs(live) do
  remaining = remaining - entry[1]
  retry = entry[2] + windowMs - now
  if remaining < limit then break end
end
return { 0, total, retry, live[#live][2] + windowMs - now }
`;

type WithHit = Redis & { throttleHit(key: string, windowMs: number, limit: number, slices: number, now?: number): Promise<number[]> };

export class RedisThrottleStore implements ThrottleStore {
  private readonly redis: WithHit;

  constructor(
    redis: Redis,
    /** keeps apart apps (or test runs) sharing one Redis */
    private readonly prefix = '',
    /** tests only: a clock to use instead of Redis's */
    private readonly now?: () => number,
  ) {
    if (!('throttleHit' in redis)) redis.defineCommand('throttleHit', { numberOfKeys: 1, lua: HIT });
    this.redis = redis as WithHit;
  }

  async hit(key: string, rate: Rate): Promise<Hit> {
    const args = [`${this.prefix}${key}`, rate.windowMs, rate.limit, SLICES, ...(this.now ? [this.now()] : [])] as const;
    const [allowed, count, retryMs, resetMs] = await this.redis.throttleHit(...args);
    return { allowed: allowed === 1, count: count!, retryMs: retryMs!, resetMs: resetMs! };
  }
}
