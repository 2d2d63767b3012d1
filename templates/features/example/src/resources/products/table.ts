import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const products = sqliteTable(
  'products',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    // exact decimal as text ("12.50"): SQLite has no decimal type and floats would round money
    price: text('price').notNull(),
    stock: integer('stock').notNull().default(0),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  // serves the cursor ordering (-created_at, -id), so a deep page costs what the first does
  (table) => [index('products_created_at_id_idx').on(table.createdAt, table.id)],
);

export type ProductRow = typeof products.$inferSelect;
