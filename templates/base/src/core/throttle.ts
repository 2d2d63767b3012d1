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

export interface Hit {
  /** requests counted in the current window, this one included */
  count: number;
  /** ms until the window resets */
  resetMs: number;
}

/**
 * Where counts live. The in-memory store serves one process; a shared store
 * (Redis, counting atomically in one round trip) plugs in here so that several
 * instances enforce one global limit.
 */
export interface ThrottleStore {
  hit(key: string, windowMs: number): Promise<Hit>;
  close?(): Promise<void>;
}

/** Fixed-window counters in a Map, swept as they expire so memory stays bounded. */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private nextSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<Hit> {
    const now = this.now();
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetMs: window.resetAt - now };
  }

  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + 10_000;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

export interface ThrottleDecision {
  headers: Record<string, string>;
}

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
    private readonly failure: { modes: Record<string, FailureMode>; fallback: FailureMode; log?: Logger } = { modes: {}, fallback: 'open' },
  ) {
    this.rates = new Map(Object.entries(scopes).map(([scope, rate]) => [scope, parseRate(rate)]));
  }

  async check(scope: string, ident: string, rateOverride?: string): Promise<ThrottleDecision> {
    const rate = rateOverride ? parseRate(rateOverride) : this.rates.get(scope);
    if (!rate) throw new Error(`No throttle rate configured for scope "${scope}"`);
    let hit: Hit;
    try {
      hit = await this.store.hit(`throttle:${scope}:${ident}`, rate.windowMs);
    } catch (error) {
      // The store is unreachable. Open: serve uncounted (an outage must not take the API down). Closed: refuse,
      // so an outage never opens the door to unlimited password guessing.
      if ((this.failure.modes[scope] ?? this.failure.fallback) === 'closed') {
        throw new ServiceUnavailable('Request rate cannot be checked right now; try again shortly.');
      }
      this.failure.log?.warn({ err: error, scope }, 'throttle store unavailable; request allowed uncounted');
      return { headers: {} };
    }
    const resetSeconds = Math.max(1, Math.ceil(hit.resetMs / 1000));
    const headers = {
      'RateLimit-Limit': String(rate.limit),
      'RateLimit-Remaining': String(Math.max(0, rate.limit - hit.count)),
      'RateLimit-Reset': String(resetSeconds),
    };
    if (hit.count > rate.limit) throw new Throttled(resetSeconds).withHeaders(headers);
    return { headers };
  }
}
