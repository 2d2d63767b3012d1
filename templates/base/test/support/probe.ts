import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { RouteDeps } from '../../src/api/deps.js';
import {
  cursorPage,
  cursorQuery,
  keysetQuery,
  keysetShape,
  keysetValues,
  parseCursorRequest,
  preparePerShape,
} from '../../src/core/pagination.js';
import { Conflict } from '../../src/core/errors.js';
import { defineRoute, HttpResult } from '../../src/core/routes.js';
import type { RouteFactory, VersionRegistry } from '../../src/core/versioning.js';
import type { Database } from '../../src/db/client.js';
import { id, table, timeParam, timestamp, varchar } from '../../src/db/columns.js';
import { insertMany, insertReturning, prepared } from '../../src/db/ops.js';

/**
 * A resource that exists only in tests, so the practices (validation, errors,
 * versioning, pagination, throttling) are tested the same way in every
 * project, with or without the example resources.
 */
export const probeItems = table('probe_items', {
  id: id(),
  name: varchar('name', 100).notNull(),
  createdAt: timestamp('created_at').notNull(),
});

export { createProbeTable } from './database.js';

export async function insertProbeItems(database: Database, names: string[]): Promise<void> {
  // one at a time, so every row has its own created_at order as in real traffic
  for (const name of names) await insertMany(database.db, probeItems, [{ name, createdAt: new Date() }]);
}

const probeWrite = z.object({
  name: z.string().max(20),
  quantity: z.int().min(1, 'Quantity must be at least 1.'),
  price: z.number(),
  items: z.array(z.object({ quantity: z.int() })).optional(),
});

const probeRoutes: RouteFactory<RouteDeps> = ({ db }) => {
  const listPage = preparePerShape((shape) => {
    const { where, orderBy } = keysetQuery(probeItems, shape);
    return prepared(
      db
        .select()
        .from(probeItems)
        .where(where)
        .orderBy(...orderBy)
        .limit(sql.placeholder('limit')),
    );
  });
  return [
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
      path: '/probe/slow',
      access: 'public',
      summary: 'Answers after 300 ms',
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { slow: true };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/probe/staff',
      access: 'staff',
      summary: 'Staff only',
      handler: async ({ user }) => ({ staff: user!.isStaff }),
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
      method: 'POST',
      path: '/probe/items',
      access: 'public',
      body: z.object({ name: z.string().max(100) }),
      responseShape: 'empty',
      summary: 'Insert into a table whose name is unique',
      handler: async ({ body }) => {
        await insertMany(db, probeItems, [{ name: body.name, createdAt: new Date() }]);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/probe/created',
      access: 'public',
      body: z.object({
        name: z.string().max(100),
        fail: z.boolean().optional(),
        refuse: z.boolean().optional(),
        waitMs: z.int().min(0).max(2000).optional(),
      }),
      response: z.object({ id: z.number(), name: z.string() }),
      status: 201,
      idempotent: true,
      summary:
        'A create that honours Idempotency-Key; `fail` throws an error after writing, `refuse` returns a 422 after writing, `waitMs` takes its time',
      handler: async ({ body, version }) => {
        const row = await insertReturning(db, probeItems, { name: body.name, createdAt: new Date() });
        if (body.waitMs) await new Promise((resolve) => setTimeout(resolve, body.waitMs));
        if (body.fail) throw new Conflict('Failed after writing: the write is undone.');
        if (body.refuse) return new HttpResult(422, row);
        return new HttpResult(201, row, { Location: `/api/${version}/probe/items/${row.id}` });
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
        const rows = await listPage[keysetShape(request)](keysetValues(request, timeParam));
        return cursorPage(rows, request, (row) => ({ createdAt: row.createdAt.getTime(), id: row.id }), url);
      },
    }),
  ];
};

export function probeRegistry(deprecated: VersionRegistry['deprecated'] = {}): VersionRegistry<RouteDeps> {
  return { defaultVersion: 'v1', versions: { v1: [probeRoutes], v2: [probeRoutes] }, deprecated };
}
