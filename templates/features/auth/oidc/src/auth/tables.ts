import { bool, id, table, timestamp, uniqueIndex, varchar } from '../db/columns.js';

/**
 * The people the identity provider vouches for, one row each, made the first time one of their tokens arrives
 * (contract §4.1): so orders and the `owner` access rule refer to a local id, as with our own users. The provider
 * stays the authority: a token's roles decide staff on every request.
 */
export const users = table(
  'users',
  {
    id: id(),
    /** who the caller is, as the provider names them: its issuer (OIDC_ISSUER) and the token's `sub` */
    issuer: varchar('issuer', 255).notNull(),
    subject: varchar('subject', 255).notNull(),
    /** `preferred_username` as the provider last gave it (else the subject): GET /me answers it */
    username: varchar('username', 255).notNull(),
    /** staff by the roles of the last token seen: requests with a token read the token, API keys this */
    isStaff: bool('is_staff').notNull().default(false),
    /** false shuts the user out of this API whatever the provider says */
    isActive: bool('is_active').notNull().default(true),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [uniqueIndex('users_issuer_subject_unique').on(t.issuer, t.subject)],
);
