import { decimal, decimalOrder, id, index, int, table, timestamp, varchar } from '../../db/columns.js';

export const products = table(
  'products',
  {
    id: id(),
    name: varchar('name', 200).notNull(),
    price: decimal('price', 10, 2).notNull(),
    stock: int('stock').notNull().default(0),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
    // bumped by every write of the row: what its ETag carries and If-Match compares
    version: int('version').notNull().default(1),
  },
  // one index (with the id) per ordering the lists declare, so a deep page under any of them costs what the first does
  (t) => [
    index('products_created_at_id_idx').on(t.createdAt, t.id),
    index('products_price_id_idx').on(decimalOrder(t.price), t.id),
    index('products_name_id_idx').on(t.name, t.id),
    index('products_stock_id_idx').on(t.stock, t.id),
  ],
);

export type ProductRow = typeof products.$inferSelect;
/** What the write schemas hand the repository: every column but those the code itself sets. */
export type ProductInput = Omit<typeof products.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'version'>;
