import { documentText, index, table, timestamp, varchar } from '../db/columns.js';

/**
 * The Idempotency-Keys creates were sent with (contract §10), one row a key:
 * claimed while its create runs (`answer` empty), then holding the answer a
 * repeat gets, until `expires_at` (IDEMPOTENCY_TTL). The key itself is not
 * stored: `id` is the hash of the caller, the route and the key.
 */
export const idempotencyKeys = table(
  'idempotency_keys',
  {
    id: varchar('id', 64).primaryKey(),
    /** the hash of the first request's body: a repeat with another body is refused */
    fingerprint: varchar('fingerprint', 64).notNull(),
    /** the attempt holding the claim: only it may keep its answer, so a lapsed claim never keeps two */
    owner: varchar('owner', 36).notNull(),
    /** the kept answer as JSON (status, Location, ETag, body); empty while the create runs */
    answer: documentText('answer'),
    createdAt: timestamp('created_at').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
  },
  (t) => [index('idempotency_keys_expires_at_idx').on(t.expiresAt)],
);
