import type { Context } from '../context.js';
import type { Feature } from './types.js';
import { pick } from './versions.js';

export type Dialect = 'sqlite' | 'postgresql' | 'mysql';

/** The datastore adapter: client, migrator and drizzle-kit config for one database. */
const databases: Partial<Record<Context['database'], Feature & { dialect: Dialect }>> = {
  sqlite: {
    id: 'database-sqlite',
    dialect: 'sqlite',
    templates: ['features/database/sqlite'],
    dependencies: pick('better-sqlite3'),
    devDependencies: pick('@types/better-sqlite3'),
  },
};

export function databaseFeature(database: Context['database']): Feature & { dialect: Dialect } {
  const feature = databases[database];
  if (!feature) throw new Error(`No templates for database "${database}"`);
  return feature;
}
