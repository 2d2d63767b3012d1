import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from '../../auth/tables.js';
import { products } from '../products/table.js';

export const orders = sqliteTable(
  'orders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    quantity: integer('quantity').notNull(),
    shippingAddress: text('shipping_address').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  // a user's orders, in cursor order
  (table) => [index('orders_user_created_at_id_idx').on(table.userId, table.createdAt, table.id)],
);

export type OrderRow = typeof orders.$inferSelect;
