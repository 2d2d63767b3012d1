import { z } from 'zod';

/** DATABASE_URL for PostgreSQL: required, a postgres:// URL. */
export const databaseUrl = z
  .string({ error: 'required: postgres://user:password@host:5432/database' })
  .refine((url) => /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(url), 'expected postgres://user:password@host:5432/database');
