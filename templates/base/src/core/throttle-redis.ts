import type { Redis } from 'ioredis';
import type { Hit, ThrottleStore } from './throttle.js';

/**
 * One round trip, atomic: count the request and read the window's remaining
 * time in a single script, so any number of instances sharing one Redis
 * enforce one global limit (a fixed window, as the memory store counts).
 */
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

type WithHit = Redis & { throttleHit(key: string, windowMs: number): Promise<[number, number]> };

export class RedisThrottleStore implements ThrottleStore {
  private readonly redis: WithHit;

  constructor(
    redis: Redis,
    /** keeps apart apps (or test runs) sharing one Redis */
    private readonly prefix = '',
  ) {
    if (!('throttleHit' in redis)) redis.defineCommand('throttleHit', { numberOfKeys: 1, lua: HIT });
    this.redis = redis as WithHit;
  }

  async hit(key: string, windowMs: number): Promise<Hit> {
    const [count, resetMs] = await this.redis.throttleHit(`${this.prefix}${key}`, windowMs);
    return { count, resetMs };
  }
}
