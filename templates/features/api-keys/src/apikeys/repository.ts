import { asc, eq, sql } from 'drizzle-orm';
import { users } from '../auth/tables.js';
import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { insertReturning, prepared, updateCount } from '../db/ops.js';
import { apiKeys } from './table.js';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** A key with what a request needs of its owner, read together. */
export interface KeyWithOwner {
  key: ApiKeyRow;
  owner: { id: number; username: string; isStaff: boolean; isActive: boolean };
}

export class PrefixTaken extends Error {}

export class ApiKeyRepository {
  // every request with a key looks it up: prepared once
  private readonly byPrefix;

  constructor(private readonly db: Db) {
    this.byPrefix = prepared(
      db
        .select({
          key: apiKeys,
          owner: { id: users.id, username: users.username, isStaff: users.isStaff, isActive: users.isActive },
        })
        .from(apiKeys)
        .innerJoin(users, eq(users.id, apiKeys.userId))
        .where(eq(apiKeys.prefix, sql.placeholder('prefix')))
        .limit(1),
    );
  }

  async findByPrefix(prefix: string): Promise<KeyWithOwner | undefined> {
    const [row] = await this.byPrefix({ prefix });
    return row;
  }

  async create(values: { prefix: string; hash: string; name: string; userId: number; expiresAt: Date | null }): Promise<ApiKeyRow> {
    try {
      return await insertReturning(this.db, apiKeys, { ...values, createdAt: new Date() });
    } catch (error) {
      if (isUniqueViolation(error)) throw new PrefixTaken(values.prefix);
      throw error;
    }
  }

  /** Every key, or one user's, oldest first, with its owner's name. */
  async list(userId?: number): Promise<(ApiKeyRow & { username: string })[]> {
    const rows = await this.db
      .select({ key: apiKeys, username: users.username })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(userId === undefined ? undefined : eq(apiKeys.userId, userId))
      .orderBy(asc(apiKeys.id));
    return rows.map((row) => ({ ...row.key, username: row.username }));
  }

  /** Ends a key now; false when no key has this prefix. A key revoked already keeps its first revocation time. */
  async revoke(prefix: string): Promise<ApiKeyRow | undefined> {
    const [row] = await this.db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix)).limit(1);
    if (!row) return undefined;
    if (row.revokedAt) return row;
    const revokedAt = new Date();
    await updateCount(this.db, apiKeys, { revokedAt }, eq(apiKeys.id, row.id));
    return { ...row, revokedAt };
  }

  async touch(id: number, at: Date): Promise<void> {
    await updateCount(this.db, apiKeys, { lastUsedAt: at }, eq(apiKeys.id, id));
  }
}
