import { bool, foreignId, id, index, timestamp, table, varchar } from '../db/columns.js';

export const users = table('users', {
  id: id(),
  username: varchar('username', 150).notNull().unique(),
  passwordHash: varchar('password_hash', 255).notNull(),
  isActive: bool('is_active').notNull().default(true),
  /** staff may write where the access rule says `staff` (the products example); everyone else reads */
  isStaff: bool('is_staff').notNull().default(false),
  createdAt: timestamp('created_at').notNull(),
});

/**
 * Every refresh token issued (simplejwt's OutstandingToken + BlacklistedToken in
 * one row). Durable, so a rotation or a logout holds across restarts and
 * instances. `family` ties together every token descended from one login.
 */
export const refreshTokens = table(
  'refresh_tokens',
  {
    jti: varchar('jti', 36).primaryKey(),
    userId: foreignId('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    family: varchar('family', 36).notNull(),
    createdAt: timestamp('created_at').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
    blacklistedAt: timestamp('blacklisted_at'),
  },
  (t) => [index('refresh_tokens_family_idx').on(t.family), index('refresh_tokens_expires_at_idx').on(t.expiresAt)],
);
