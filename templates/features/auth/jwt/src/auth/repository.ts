import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { deleteCount, insertMany, insertReturning, prepared, transaction, updateCount } from '../db/ops.js';
import { refreshTokens, users } from './tables.js';

export type UserRow = typeof users.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

export class UsernameTaken extends Error {}

export class UserRepository {
  // every authenticated request looks its caller up: prepared once
  private readonly byId;

  constructor(private readonly db: Db) {
    this.byId = prepared(
      db
        .select()
        .from(users)
        .where(eq(users.id, sql.placeholder('id')))
        .limit(1),
    );
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.username, username)).limit(1);
    return row;
  }

  async findById(id: number): Promise<UserRow | undefined> {
    const [row] = await this.byId({ id });
    return row;
  }

  async create(username: string, passwordHash: string, options: { isStaff?: boolean } = {}): Promise<UserRow> {
    try {
      return await insertReturning(this.db, users, { username, passwordHash, isStaff: options.isStaff ?? false, createdAt: new Date() });
    } catch (error) {
      // the unique index decides, so two concurrent sign-ups cannot both win
      if (isUniqueViolation(error)) throw new UsernameTaken(username);
      throw error;
    }
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await updateCount(this.db, users, { passwordHash }, eq(users.id, id));
  }

  /** Makes a user staff or not; undefined when there is no such user. */
  async setStaff(username: string, isStaff: boolean): Promise<UserRow | undefined> {
    const user = await this.findByUsername(username);
    if (!user) return undefined;
    await updateCount(this.db, users, { isStaff }, eq(users.id, user.id));
    return { ...user, isStaff };
  }
}

/** The durable record of refresh tokens: rotation, blacklist, and family revocation. */
export class RefreshTokenRepository {
  constructor(private readonly db: Db) {}

  async record(token: { jti: string; userId: number; family: string; expiresAt: Date }): Promise<void> {
    await insertMany(this.db, refreshTokens, [{ ...token, createdAt: new Date() }]);
  }

  async find(jti: string): Promise<RefreshTokenRow | undefined> {
    const [row] = await this.db.select().from(refreshTokens).where(eq(refreshTokens.jti, jti)).limit(1);
    return row;
  }

  /**
   * Blacklists `oldJti` and records its successor in one transaction, only if
   * `oldJti` was still live. The conditional UPDATE is the lock: of N concurrent
   * rotations of one token exactly one changes the row, and the successor
   * exists before any loser can revoke the family, so a revocation catches it.
   */
  rotate(oldJti: string, successor: { jti: string; userId: number; family: string; expiresAt: Date }): Promise<boolean> {
    const now = new Date();
    return transaction(this.db, async (tx) => {
      const changed = await updateCount(
        tx,
        refreshTokens,
        { blacklistedAt: now },
        and(eq(refreshTokens.jti, oldJti), isNull(refreshTokens.blacklistedAt)),
      );
      if (changed === 0) return false;
      await insertMany(tx, refreshTokens, [{ ...successor, createdAt: now }]);
      return true;
    });
  }

  /** Blacklists one token; false when it was blacklisted already. */
  async blacklist(jti: string): Promise<boolean> {
    const changed = await updateCount(
      this.db,
      refreshTokens,
      { blacklistedAt: new Date() },
      and(eq(refreshTokens.jti, jti), isNull(refreshTokens.blacklistedAt)),
    );
    return changed > 0;
  }

  /** Reuse of a rotated token: every token of that login dies, the thief's and the victim's. */
  async revokeFamily(family: string): Promise<void> {
    await updateCount(
      this.db,
      refreshTokens,
      { blacklistedAt: new Date() },
      and(eq(refreshTokens.family, family), isNull(refreshTokens.blacklistedAt)),
    );
  }

  /** Deletes rows whose token has expired anyway; returns how many. */
  flushExpired(now = new Date()): Promise<number> {
    return deleteCount(this.db, refreshTokens, lt(refreshTokens.expiresAt, now));
  }
}
