import type { Context } from '../context.js';
import type { Feature } from './types.js';
import { pick } from './versions.js';

export type Dialect = 'sqlite' | 'postgresql' | 'mysql';

/** What a database adds besides its files: how the generated docs, env file and CI speak of it. */
export interface DatabaseFeature extends Feature {
  readonly dialect: Dialect;
  readonly label: string;
  /** the DATABASE_URL line of .env.example (matching docker-compose.yml where there is one) */
  readonly envUrl: string;
  /** the README's words for DATABASE_URL */
  readonly urlHelp: string;
  /** GitHub Actions service container and the env its test step needs; none for an embedded database */
  readonly ci?: { readonly services: string; readonly env: Readonly<Record<string, string>> };
}

/** The datastore adapter: client, columns, writes, migrator and drizzle-kit config for one database. */
const databases: Record<Context['database'], (ctx: Pick<Context, 'dbName'>) => DatabaseFeature> = {
  sqlite: () => ({
    id: 'database-sqlite',
    dialect: 'sqlite',
    label: 'SQLite',
    templates: ['features/database/sqlite'],
    dependencies: pick('better-sqlite3'),
    devDependencies: pick('@types/better-sqlite3'),
    envUrl: './data/db.sqlite',
    urlHelp: 'a SQLite file path (its folder is created; default `./data/db.sqlite`), or `:memory:`',
  }),
  postgres: (ctx) => ({
    id: 'database-postgres',
    dialect: 'postgresql',
    label: 'PostgreSQL',
    // a server: a pool of connections, whose waits are bounded too (server/test)
    templates: ['features/database/postgres', 'features/database/server'],
    dependencies: pick('pg'),
    devDependencies: pick('@types/pg'),
    envUrl: `postgres://postgres:postgres@127.0.0.1:5432/${ctx.dbName}`,
    urlHelp: 'required: `postgres://user:password@host:5432/database`',
    ci: {
      services: [
        'postgres:',
        '  image: postgres:16',
        '  env:',
        '    POSTGRES_PASSWORD: postgres',
        "  ports: ['5432:5432']",
        '  options: --health-cmd pg_isready --health-interval 5s --health-timeout 5s --health-retries 10',
      ].join('\n'),
      env: { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5432/postgres' },
    },
  }),
  mysql: (ctx) => ({
    id: 'database-mysql',
    dialect: 'mysql',
    label: 'MySQL',
    templates: ['features/database/mysql', 'features/database/server'],
    dependencies: pick('mysql2'),
    envUrl: `mysql://root:mysql@127.0.0.1:3306/${ctx.dbName}`,
    urlHelp: 'required: `mysql://user:password@host:3306/database` (MySQL 8 or MariaDB 10.6+)',
    ci: {
      services: [
        'mysql:',
        '  image: mysql:8.4',
        '  env:',
        '    MYSQL_ROOT_PASSWORD: mysql',
        "  ports: ['3306:3306']",
        '  options: --health-cmd "mysqladmin ping -pmysql" --health-interval 5s --health-timeout 5s --health-retries 20',
      ].join('\n'),
      env: { DATABASE_URL: 'mysql://root:mysql@127.0.0.1:3306/mysql' },
    },
  }),
};

export function databaseFeature(ctx: Pick<Context, 'database' | 'dbName'>): DatabaseFeature {
  return databases[ctx.database](ctx);
}
