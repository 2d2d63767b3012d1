import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Claim, ClaimRequest, IdempotencyStore, KeptAnswer } from '../core/idempotency.js';
import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { deleteCount, insertMany, transaction, updateCount } from '../db/ops.js';
import { idempotencyKeys } from './table.js';

/**
 * Idempotency-Keys in the API's own database, so a create and the answer kept
 * for its key commit in one transaction. Every step is one statement whose
 * outcome the database decides (the primary key, a conditional UPDATE), so
 * several API processes can share the keys.
 */
export class DatabaseIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: Db) {}

  async claim(request: ClaimRequest): Promise<Claim> {
    // read first: a repeat is answered without a write (on SQLite, a write would queue behind the create it repeats)
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const [row] = await this.db
        .select({ fingerprint: idempotencyKeys.fingerprint, answer: idempotencyKeys.answer, expiresAt: idempotencyKeys.expiresAt })
        .from(idempotencyKeys)
        .where(eq(idempotencyKeys.id, request.id))
        .limit(1);
      if (row && row.expiresAt >= request.now) {
        return {
          claimed: false,
          fingerprint: row.fingerprint,
          answer: row.answer === null ? null : (JSON.parse(row.answer) as KeptAnswer),
        };
      }
      if (!row) {
        try {
          await insertMany(this.db, idempotencyKeys, [
            { id: request.id, fingerprint: request.fingerprint, owner: request.owner, createdAt: request.now, expiresAt: request.until },
          ]);
          return { claimed: true };
        } catch (error) {
          // another request claimed it between the read and the write: read what it holds
          if (!isUniqueViolation(error)) throw error;
          continue;
        }
      }
      // a key whose time is over (a kept answer past its TTL, a claim whose process died) is taken over, by one request
      const taken = await updateCount(
        this.db,
        idempotencyKeys,
        { fingerprint: request.fingerprint, owner: request.owner, answer: null, createdAt: request.now, expiresAt: request.until },
        and(eq(idempotencyKeys.id, request.id), lt(idempotencyKeys.expiresAt, request.now)),
      );
      if (taken === 1) return { claimed: true };
    }
    // three races lost in a row: the key is busy
    return { claimed: false, fingerprint: request.fingerprint, answer: null };
  }

  complete<T>(id: string, owner: string, work: (keep: (answer: KeptAnswer, until: Date) => Promise<boolean>) => Promise<T>): Promise<T> {
    return transaction(this.db, (tx) =>
      work(async (answer, until) => {
        const kept = await updateCount(
          tx,
          idempotencyKeys,
          { answer: JSON.stringify(answer), expiresAt: until },
          and(eq(idempotencyKeys.id, id), eq(idempotencyKeys.owner, owner), isNull(idempotencyKeys.answer)),
        );
        return kept === 1;
      }),
    );
  }

  async release(id: string, owner: string): Promise<void> {
    await deleteCount(
      this.db,
      idempotencyKeys,
      and(eq(idempotencyKeys.id, id), eq(idempotencyKeys.owner, owner), isNull(idempotencyKeys.answer)),
    );
  }

  purge(now: Date): Promise<number> {
    return deleteCount(this.db, idempotencyKeys, lt(idempotencyKeys.expiresAt, now));
  }
}
