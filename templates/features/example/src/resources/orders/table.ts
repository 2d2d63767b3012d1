import { users } from '../../auth/tables.js';
import { foreignId, id, index, int, table, timestamp, varchar } from '../../db/columns.js';
import { products } from '../products/table.js';

export const orders = table(
  'orders',
  {
    id: id(),
    userId: foreignId('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    productId: foreignId('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    quantity: int('quantity').notNull(),
    shippingAddress: varchar('shipping_address', 500).notNull(),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
    // bumped by every write of the row: what its ETag carries and If-Match compares
    version: int('version').notNull().default(1),
  },
  // a user's orders in each ordering the list declares
  (t) => [
    index('orders_user_created_at_id_idx').on(t.userId, t.createdAt, t.id),
    index('orders_user_quantity_id_idx').on(t.userId, t.quantity, t.id),
  ],
);

export type OrderRow = typeof orders.$inferSelect;
