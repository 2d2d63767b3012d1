import { users } from '../auth/tables.js';
import { foreignId, id, index, table, timestamp, varchar } from '../db/columns.js';

/**
 * API keys for machine clients (contract §4.2). The key itself is never stored: `hash` is its SHA-256, found by
 * `prefix`, the part of the key that may be shown (`cpa_<prefix>_<secret>`). A key acts as its owner, whose role
 * is read on every request.
 */
export const apiKeys = table(
  'api_keys',
  {
    id: id(),
    prefix: varchar('prefix', 8).notNull().unique(),
    hash: varchar('hash', 64).notNull(),
    /** what the key is for, as its creator named it (`ci`, `partner-acme`) */
    name: varchar('name', 100).notNull(),
    userId: foreignId('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at').notNull(),
    /** null: the key never expires */
    expiresAt: timestamp('expires_at'),
    /** written at most once a minute a key, not on every request */
    lastUsedAt: timestamp('last_used_at'),
    revokedAt: timestamp('revoked_at'),
  },
  (t) => [index('api_keys_user_id_idx').on(t.userId)],
);
