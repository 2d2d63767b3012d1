import type { Logger } from '../logger.js';
import { ServiceUnavailable, Throttled } from './errors.js';

/** `100/hour` -> 100 requests per 3,600,000 ms. */
export interface Rate {
  limit: number;
  windowMs: number;
}

const UNIT_MS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export const RATE_PATTERN = /^([1-9]\d*)\/(second|minute|hour|day)$/;

export function parseRate(text: string): Rate {
  const match = RATE_PATTERN.exec(text.trim());
  if (!match) throw new Error(`Invalid rate "${text}": expected N/second|minute|hour|day, e.g. 100/hour`);
  return { limit: Number(match[1]), windowMs: UNIT_MS[match[2] as keyof typeof UNIT_MS] };
}

/**
 * A window is counted in this many slices. A request is accepted only while
 * the slices whose newest request lies within the last window hold fewer than
 * `limit` requests, so no window-long span ever holds more than `limit`
 * accepted requests: there is no edge at which a limit doubles, as there is
 * with a fixed window. A slice counts until its newest request is a window
 * old (its older requests a little longer than needed: the price of keeping
 * at most 21 counters a key, whatever the rate, instead of a timestamp per
 * request). A refused request is not counted.
 */
export const SLICES = 20;

export interface Hit {
  allowed: boolean;
  /** accepted requests in the window, this one included when it was accepted */
  count: number;
  /** ms until one more request would be accepted (0 while there is room) */
  retryMs: number;
  /** ms until every request counted now has left the window (the whole quota is back) */
  resetMs: number;
}

/** One key's state, oldest first: per slice index, how many requests and when the newest came (ms). */
export type Slices = [slice: number, count: number, newest: number][];

/**
 * The sliding-window decision. It updates `slices` in place (old slices
 * dropped, an accepted request added): the memory store keeps that array per
 * key, and the Redis store runs the same steps in Lua (throttle-redis.ts), so
 * both count alike.
 */
export function slide(slices: Slices, rate: Rate, now: number): Hit {
  // a slice counts until its newest request is a window old; they are in order, so the gone ones lead
  let gone = 0;
  while (gone < slices.length && slices[gone]![2] <= now - rate.windowMs) gone += 1;
  if (gone > 0) slices.splice(0, gone);
  let total = 0;
  for (const [, count] of slices) total += count;

  if (total < rate.limit) {
    const current = Math.floor(now / (rate.windowMs / SLICES));
    const last = slices.at(-1);
    if (last?.[0] === current) {
      last[1] += 1;
      last[2] = now;
    } else {
      slices.push([current, 1, now]);
    }
    return { allowed: true, count: total + 1, retryMs: 0, resetMs: rate.windowMs };
  }
  // refused, and not counted: room comes back when enough of the oldest slices have left the window
  let remaining = total;
  let retryMs = 0;
  for (const [, count, newest] of slices) {
    remaining -= count;
    retryMs = newest + rate.windowMs - now;
    if (remaining < rate.limit) break;
  }
  return { allowed: false, count: total, retryMs, resetMs: slices.at(-1)![2] + rate.windowMs - now };
}

/**
 * Where counts live. The in-memory store serves one process; a shared store
 * (Redis, deciding atomically in one round trip) plugs in here so that several
 * instances enforce one global limit.
 */
export interface ThrottleStore {
  hit(key: string, rate: Rate): Promise<Hit>;
  close?(): Promise<void>;
}

/** Sliding windows in a Map, swept as they empty so memory stays bounded. */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly keys = new Map<string, { slices: Slices; emptyAt: number }>();
  private nextSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, rate: Rate): Promise<Hit> {
    const now = this.now();
    this.sweep(now);
    let state = this.keys.get(key);
    if (!state) this.keys.set(key, (state = { slices: [], emptyAt: 0 }));
    const hit = slide(state.slices, rate, now);
    state.emptyAt = now + hit.resetMs;
    return hit;
  }

  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + 10_000;
    for (const [key, state] of this.keys) if (state.emptyAt <= now) this.keys.delete(key);
  }
}

export interface ThrottleDecision {
  headers: Record<string, string>;
  /** requests left in the window: of several rules, the one with the fewest speaks */
  remaining: number;
}

/** Header seconds: whole, and at least 1. */
const seconds = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));

/** What to do when the store cannot count (Redis down): let the request through, or refuse it. */
export type FailureMode = 'open' | 'closed';

/**
 * Counts a request against its scope's rate. Throws Throttled (429 with
 * Retry-After) past the limit; otherwise returns the RateLimit-* headers.
 */
export class Throttler {
  private readonly rates: Map<string, Rate>;

  constructor(
    private readonly store: ThrottleStore,
    scopes: Record<string, string>,
    private readonly failure: {
      modes: Record<string, FailureMode>;
      fallback: FailureMode;
      log?: Logger;
      /** told of each refusal (a 429), by scope: the metrics count them */
      onRefused?: (scope: string) => void;
    } = { modes: {}, fallback: 'open' },
  ) {
    this.rates = new Map(Object.entries(scopes).map(([scope, rate]) => [scope, parseRate(rate)]));
  }

  /** Whether a scope has a rate (config.throttle): checked as routes are mounted, not at their first request. */
  has(scope: string): boolean {
    return this.rates.has(scope);
  }

  async check(scope: string, ident: string, rateOverride?: string): Promise<ThrottleDecision> {
    const rate = rateOverride ? parseRate(rateOverride) : this.rates.get(scope);
    if (!rate) throw new Error(`No throttle rate configured for scope "${scope}"`);
    let hit: Hit;
    try {
      hit = await this.store.hit(`throttle:${scope}:${ident}`, rate);
    } catch (error) {
      // The store is unreachable. Open: serve uncounted (an outage must not take the API down). Closed: refuse,
      // so an outage never opens the door to unlimited password guessing.
      if ((this.failure.modes[scope] ?? this.failure.fallback) === 'closed') {
        throw new ServiceUnavailable('Request rate cannot be checked right now; try again shortly.');
      }
      this.failure.log?.warn({ err: error, scope }, 'throttle store unavailable; request allowed uncounted');
      return { headers: {}, remaining: Number.POSITIVE_INFINITY };
    }
    const remaining = Math.max(0, rate.limit - hit.count);
    const headers = {
      'RateLimit-Limit': String(rate.limit),
      'RateLimit-Remaining': String(remaining),
      'RateLimit-Reset': seconds(hit.resetMs),
    };
    if (!hit.allowed) {
      this.failure.onRefused?.(scope);
      throw new Throttled(Number(seconds(hit.retryMs))).withHeaders({ ...headers, 'RateLimit-Reset': seconds(hit.retryMs) });
    }
    return { headers, remaining };
  }
}
