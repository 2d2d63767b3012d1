import { z } from 'zod';

/** DATABASE_URL for MySQL / MariaDB: required, a mysql:// URL. */
export const databaseUrl = z
  .string({ error: 'required: mysql://user:password@host:3306/database' })
  .refine((url) => /^mysql:\/\/[^/]+\/[^/?]+/.test(url), 'expected mysql://user:password@host:3306/database');
