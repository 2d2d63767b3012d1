import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Every refresh token issued (simplejwt's OutstandingToken + BlacklistedToken in
 * one row). Durable, so a rotation or a logout holds across restarts and
 * instances. `family` ties together every token descended from one login.
 */
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    jti: text('jti').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    family: text('family').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    blacklistedAt: integer('blacklisted_at', { mode: 'timestamp_ms' }),
  },
  (table) => [index('refresh_tokens_family_idx').on(table.family), index('refresh_tokens_expires_at_idx').on(table.expiresAt)],
);
