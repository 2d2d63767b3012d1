import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { insertReturning, prepared, updateCount } from '../db/ops.js';
import { users } from './tables.js';

export type UserRow = typeof users.$inferSelect;

/** The provider's users as this API knows them: a row each, made the first time a token names them. */
export class UserRepository {
  // every request with a token looks its caller up: prepared once
  private readonly bySubject;

  constructor(private readonly db: Db) {
    this.bySubject = prepared(
      db
        .select()
        .from(users)
        .where(and(eq(users.issuer, sql.placeholder('issuer')), eq(users.subject, sql.placeholder('subject'))))
        .limit(1),
    );
  }

  async findById(id: number): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return row;
  }

  /**
   * The user a person names on the command line (apikey:create --username): by subject, else by username when
   * exactly one user has it (the provider's usernames need not be unique).
   */
  async findByUsername(name: string): Promise<UserRow | undefined> {
    const [bySubject] = await this.db.select().from(users).where(eq(users.subject, name)).limit(2);
    if (bySubject) return bySubject;
    const byName = await this.db.select().from(users).where(eq(users.username, name)).limit(2);
    return byName.length === 1 ? byName[0] : undefined;
  }

  /**
   * The row of the caller a token names, made on first sight; its username and role follow the provider's (written
   * only when they changed, so a request is one read). Two first requests at once: the unique index lets one insert.
   */
  async seen(identity: { issuer: string; subject: string; username: string; isStaff: boolean }): Promise<UserRow> {
    const [known] = await this.bySubject({ issuer: identity.issuer, subject: identity.subject });
    if (known) {
      if (known.username === identity.username && known.isStaff === identity.isStaff) return known;
      await updateCount(this.db, users, { username: identity.username, isStaff: identity.isStaff }, eq(users.id, known.id));
      return { ...known, username: identity.username, isStaff: identity.isStaff };
    }
    try {
      return await insertReturning(this.db, users, { ...identity, createdAt: new Date() });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const [row] = await this.bySubject({ issuer: identity.issuer, subject: identity.subject });
      return row!;
    }
  }

  /** Sets the role a user's API keys act with (a token's roles decide its own requests, and write it again). */
  async setStaff(name: string, isStaff: boolean): Promise<UserRow | undefined> {
    const user = await this.findByUsername(name);
    if (!user) return undefined;
    await updateCount(this.db, users, { isStaff }, eq(users.id, user.id));
    return { ...user, isStaff };
  }

  /** Shuts a user out of this API (or lets them back in), whatever the provider says; undefined: no such user. */
  async setActive(name: string, isActive: boolean): Promise<UserRow | undefined> {
    const user = await this.findByUsername(name);
    if (!user) return undefined;
    await updateCount(this.db, users, { isActive }, eq(users.id, user.id));
    return { ...user, isActive };
  }
}
