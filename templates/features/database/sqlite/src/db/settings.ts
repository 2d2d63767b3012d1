import { z } from 'zod';

/** DATABASE_URL for SQLite: a file path (its folder is created) or `:memory:`. */
export const databaseUrl = z.string().min(1).default('./data/db.sqlite');

export const DEFAULT_DATABASE_URL = './data/db.sqlite';

/** A URL the database client accepts but never connects to: `contract:check` builds the routes without a database. */
export const OFFLINE_DATABASE_URL = ':memory:';
