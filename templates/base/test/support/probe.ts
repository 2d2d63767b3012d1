import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import type { RouteDeps } from '../../src/api/deps.js';
import { cursorPage, cursorQuery, keysetQuery, keysetShape, keysetValues, parseCursorRequest } from '../../src/core/pagination.js';
import { defineRoute } from '../../src/core/routes.js';
import type { RouteFactory, VersionRegistry } from '../../src/core/versioning.js';
import type { Database } from '../../src/db/client.js';

/**
 * A resource that exists only in tests, so the practices (validation, errors,
 * versioning, pagination, throttling) are tested the same way in every
 * project, with or without the example resources.
 */
export const probeItems = sqliteTable('probe_items', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

export async function createProbeTable(database: Database): Promise<void> {
  database.db.run(sql`CREATE TABLE probe_items (id integer PRIMARY KEY AUTOINCREMENT, name text NOT NULL, created_at integer NOT NULL)`);
  database.db.run(sql`CREATE INDEX probe_items_created_at_id_idx ON probe_items (created_at, id)`);
}

export async function insertProbeItems(database: Database, names: string[]): Promise<void> {
  for (const name of names) await database.db.insert(probeItems).values({ name, createdAt: new Date() });
}

const probeWrite = z.object({
  name: z.string().max(20),
  quantity: z.int().min(1, 'Quantity must be at least 1.'),
  price: z.number(),
  items: z.array(z.object({ quantity: z.int() })).optional(),
});

const probeRoutes: RouteFactory<RouteDeps> = ({ db }) => [
  defineRoute({
    method: 'POST',
    path: '/probe',
    access: 'public',
    body: probeWrite,
    response: probeWrite,
    status: 201,
    summary: 'Echo a valid body',
    handler: async ({ body }) => body,
  }),
  defineRoute({
    method: 'GET',
    path: '/probe/version',
    access: 'public',
    summary: 'The version the handler was called under',
    handler: async ({ version }) => ({ version }),
  }),
  defineRoute({
    method: 'GET',
    path: '/probe/boom',
    access: 'public',
    summary: 'A bug',
    handler: async () => {
      throw new Error('SQLITE_ERROR: no such column: secret_internal_column');
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/probe/items',
    access: 'public',
    query: cursorQuery,
    response: z.object({ id: z.number(), name: z.string() }),
    responseShape: 'cursor-page',
    summary: 'A cursor-paginated list',
    handler: async ({ query, url }) => {
      const request = parseCursorRequest(query);
      const { where, orderBy } = keysetQuery(probeItems, keysetShape(request));
      const rows = db
        .select()
        .from(probeItems)
        .where(where)
        .orderBy(...orderBy)
        .limit(sql.placeholder('limit'))
        .all(keysetValues(request));
      return cursorPage(rows, request, (row) => ({ createdAt: row.createdAt.getTime(), id: row.id }), url);
    },
  }),
];

export function probeRegistry(deprecated: VersionRegistry['deprecated'] = {}): VersionRegistry<RouteDeps> {
  return { defaultVersion: 'v1', versions: { v1: [probeRoutes], v2: [probeRoutes] }, deprecated };
}
