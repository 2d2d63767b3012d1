import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { refreshTokens, users } from './tables.js';

export type UserRow = typeof users.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

export class UsernameTaken extends Error {}

export class UserRepository {
  constructor(private readonly db: Db) {}

  async findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.query.users.findFirst({ where: eq(users.username, username) });
  }

  async findById(id: number): Promise<UserRow | undefined> {
    return this.db.query.users.findFirst({ where: eq(users.id, id) });
  }

  async create(username: string, passwordHash: string): Promise<UserRow> {
    try {
      const [row] = await this.db.insert(users).values({ username, passwordHash, createdAt: new Date() }).returning();
      return row!;
    } catch (error) {
      // the unique index decides, so two concurrent sign-ups cannot both win
      if (isUniqueViolation(error)) throw new UsernameTaken(username);
      throw error;
    }
  }
}

/** The durable record of refresh tokens: rotation, blacklist, and family revocation. */
export class RefreshTokenRepository {
  constructor(private readonly db: Db) {}

  async record(token: { jti: string; userId: number; family: string; expiresAt: Date }): Promise<void> {
    await this.db.insert(refreshTokens).values({ ...token, createdAt: new Date() });
  }

  async find(jti: string): Promise<RefreshTokenRow | undefined> {
    return this.db.query.refreshTokens.findFirst({ where: eq(refreshTokens.jti, jti) });
  }

  /**
   * Blacklists `oldJti` and records its successor in one transaction, only if
   * `oldJti` was still live. The conditional UPDATE is the lock: of N concurrent
   * rotations of one token exactly one changes the row, and the successor
   * exists before any loser can revoke the family, so a revocation catches it.
   */
  async rotate(oldJti: string, successor: { jti: string; userId: number; family: string; expiresAt: Date }): Promise<boolean> {
    const now = new Date();
    return this.db.transaction((tx) => {
      const changed = tx
        .update(refreshTokens)
        .set({ blacklistedAt: now })
        .where(and(eq(refreshTokens.jti, oldJti), isNull(refreshTokens.blacklistedAt)))
        .returning({ jti: refreshTokens.jti })
        .all();
      if (changed.length === 0) return false;
      tx.insert(refreshTokens)
        .values({ ...successor, createdAt: now })
        .run();
      return true;
    });
  }

  /** Blacklists one token; false when it was blacklisted already. */
  async blacklist(jti: string): Promise<boolean> {
    const changed = await this.db
      .update(refreshTokens)
      .set({ blacklistedAt: new Date() })
      .where(and(eq(refreshTokens.jti, jti), isNull(refreshTokens.blacklistedAt)))
      .returning({ jti: refreshTokens.jti });
    return changed.length > 0;
  }

  /** Reuse of a rotated token: every token of that login dies, the thief's and the victim's. */
  async revokeFamily(family: string): Promise<void> {
    await this.db
      .update(refreshTokens)
      .set({ blacklistedAt: new Date() })
      .where(and(eq(refreshTokens.family, family), isNull(refreshTokens.blacklistedAt)));
  }

  /** Deletes rows whose token has expired anyway; returns how many. */
  async flushExpired(now = new Date()): Promise<number> {
    const deleted = await this.db.delete(refreshTokens).where(lt(refreshTokens.expiresAt, now)).returning({ jti: refreshTokens.jti });
    return deleted.length;
  }
}
