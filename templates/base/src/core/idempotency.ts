import { createHash, randomUUID } from 'node:crypto';
import { BadRequest, IdempotencyKeyInProgress, IdempotencyKeyReused } from './errors.js';

/**
 * Idempotent creates (contract §10): a client that retries a POST with the same
 * `Idempotency-Key` gets the first answer again instead of a second object.
 * The rules live here; where keys are kept is the store's business
 * (src/idempotency/, in the database, so the effect and its kept answer commit
 * together, in the create's own transaction).
 *
 * A key is claimed before the create runs, in a row of its own committed at
 * once: a repeat that arrives meanwhile sees it and gets a 409. The claim holds
 * for LEASE_SECONDS; a process that died mid-create frees its keys that way, and
 * a create still running past it loses its claim and rolls back, so a key never
 * makes two objects.
 */

/** 1-255 visible ASCII characters (what Stripe and the IETF draft allow: a UUID fits, so does a client's own scheme). */
const KEY = /^[\x21-\x7e]{1,255}$/;

/** How long a claimed key waits for its create before another request may take it over. */
export const LEASE_SECONDS = 60;

/** Of an answer, what a repeat gets back: its status, body and the headers that describe the object made. */
export interface KeptAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The headers kept with an answer; the rest (RateLimit-*, the request id) belong to each request. */
const KEPT_HEADERS = ['Location', 'ETag'];

export type Claim = { claimed: true } | { claimed: false; fingerprint: string; answer: KeptAnswer | null };

export interface ClaimRequest {
  /** the key's id: the caller, the route and the key, hashed */
  id: string;
  /** the request body's hash: a repeat must send the same */
  fingerprint: string;
  /** this attempt's own id: only it may keep an answer under the claim */
  owner: string;
  now: Date;
  /** when the claim lapses if the create never finishes */
  until: Date;
}

export interface IdempotencyStore {
  /** Records the key as in progress, or answers what it holds (an answer kept, or another claim still running). */
  claim(request: ClaimRequest): Promise<Claim>;
  /**
   * Runs `work` in one database transaction; `keep` stores the answer in it, so the effect and the kept answer
   * commit together or not at all. `keep` resolves false when the claim was lost (it lapsed and was taken over).
   */
  complete<T>(id: string, owner: string, work: (keep: (answer: KeptAnswer, until: Date) => Promise<boolean>) => Promise<T>): Promise<T>;
  /** Forgets a claim whose create failed: an error is not kept, so a corrected request may use the key again. */
  release(id: string, owner: string): Promise<void>;
  /** Deletes the keys whose time is over; how many. */
  purge(now: Date): Promise<number>;
}

/** An answer as the pipeline hands it to an adapter. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: unknown;
}

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** IDEMPOTENCY_TTL: how long an answer is kept */
  ttlSeconds: number;
  /** told when the hourly purge of old keys fails (the request it rode on is not affected) */
  onPurgeError?: (error: unknown) => void;
  now?: () => number;
}

export interface IdempotentRequest {
  /** the Idempotency-Key header as sent */
  key: string;
  /** who asks: `user:42`, or `ip:203.0.113.9` for an anonymous caller */
  caller: string;
  /** which route: `POST /api/v1/products` */
  route: string;
  /** the request body as parsed, before validation (a repeat is judged on what the client sent) */
  body: unknown;
}

export type Idempotency = (request: IdempotentRequest, respond: () => Promise<Answer>) => Promise<Answer>;

export function createIdempotency(options: IdempotencyOptions): Idempotency {
  const { store, ttlSeconds } = options;
  const now = options.now ?? Date.now;
  let lastPurge = -Infinity;

  const purgeHourly = (at: number) => {
    if (at - lastPurge < 3_600_000) return;
    lastPurge = at;
    // not awaited: no request waits for the housekeeping it happened to trigger
    store.purge(new Date(at)).catch((error: unknown) => options.onPurgeError?.(error));
  };

  return async (request, respond) => {
    if (!KEY.test(request.key)) throw new BadRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.');
    const id = sha256(`${request.caller}\n${request.route}\n${request.key}`);
    const fingerprint = sha256(canonicalJson(request.body));
    const owner = randomUUID();
    const started = now();
    const claim = await store.claim({ id, fingerprint, owner, now: new Date(started), until: new Date(started + LEASE_SECONDS * 1000) });
    purgeHourly(started);

    if (!claim.claimed) {
      if (claim.fingerprint !== fingerprint) throw new IdempotencyKeyReused();
      if (!claim.answer) throw new IdempotencyKeyInProgress();
      const { status, headers, body } = claim.answer;
      return { status, headers: { ...headers, 'Idempotent-Replayed': 'true' }, body };
    }

    // kept only once the transaction that keeps it has committed; otherwise the claim goes, and the key with it
    let keeps = false;
    let committed = false;
    try {
      const answer = await store
        .complete(id, owner, async (keep) => {
          const answer = await respond();
          // an error answer a handler returns (not throws) is not kept, and neither is what it wrote
          if (answer.status >= 400) throw new Unkept(answer);
          if (answer.status >= 200 && answer.status < 300) {
            // lost: the claim lapsed and another request holds the key; rolling back keeps one object for one key
            if (!(await keep(keptOf(answer), new Date(now() + ttlSeconds * 1000)))) throw new IdempotencyKeyInProgress();
            keeps = true;
          }
          return answer;
        })
        .catch((error: unknown) => {
          if (error instanceof Unkept) return error.answer;
          throw error;
        });
      committed = true;
      return answer;
    } finally {
      // a release that fails (the database went away) leaves the claim to lapse; the request's own error is the answer
      if (!(committed && keeps)) await store.release(id, owner).catch(() => undefined);
    }
  };
}

/** Carries an error answer out of the create's transaction, rolling it back. */
class Unkept {
  constructor(readonly answer: Answer) {}
}

function keptOf(answer: Answer): KeptAnswer {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = answer.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: answer.status, headers, body: answer.body };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with every object's keys sorted: `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
