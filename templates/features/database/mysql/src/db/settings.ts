import { z } from 'zod';

/** DATABASE_URL for MySQL / MariaDB: required, a mysql:// URL. */
export const databaseUrl = z
  .string({ error: 'required: mysql://user:password@host:3306/database' })
  .refine((url) => /^mysql:\/\/[^/]+\/[^/?]+/.test(url), 'expected mysql://user:password@host:3306/database');

/** A URL the database client accepts but never connects to: `contract:check` builds the routes without a database. */
export const OFFLINE_DATABASE_URL = 'mysql://offline@127.0.0.1:9/offline';
