import { z } from 'zod';

/** DATABASE_URL for PostgreSQL: required, a postgres:// URL. */
export const databaseUrl = z
  .string({ error: 'required: postgres://user:password@host:5432/database' })
  .refine((url) => /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(url), 'expected postgres://user:password@host:5432/database');

/** A URL the database client accepts but never connects to: `contract:check` builds the routes without a database. */
export const OFFLINE_DATABASE_URL = 'postgres://offline@127.0.0.1:9/offline';
