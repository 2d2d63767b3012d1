import { z } from 'zod';
import { defineList } from '../../../core/lists.js';
import type { OrderWithProduct } from '../repository.js';
import { orders } from '../table.js';

/** v1 read schema. */
export const orderRead = z.object({
  id: z.int32(),
  product_id: z.int32(),
  product_name: z.string(),
  quantity: z.int32(),
  shipping_address: z.string(),
  created_at: z.iso.datetime(),
});

/** v1 list: a user's orders by product (`?product_id__in=3,7`), newest first or by quantity. */
export const orderList = defineList({
  fields: {
    product_id: { column: orders.productId, type: 'integer', filter: ['exact', 'in'] },
    quantity: { column: orders.quantity, type: 'integer', order: true },
    created_at: { column: orders.createdAt, type: 'datetime', order: true },
  },
  ordering: '-created_at',
});

/** v1 write schema: the client names the product and quantity; the owner is the caller. */
export const orderWrite = z
  .object({
    product_id: z.int(),
    quantity: z.int().min(1, 'Quantity must be at least 1.').max(100, 'Maximum order quantity is 100.'),
    shipping_address: z.string().trim().min(1).max(500),
  })
  .transform(({ product_id, quantity, shipping_address }) => ({ productId: product_id, quantity, shippingAddress: shipping_address }));

export const orderPatch = z
  .object({
    product_id: z.int().optional(),
    quantity: z.int().min(1, 'Quantity must be at least 1.').max(100, 'Maximum order quantity is 100.').optional(),
    shipping_address: z.string().trim().min(1).max(500).optional(),
  })
  .transform(({ product_id, quantity, shipping_address }) => ({ productId: product_id, quantity, shippingAddress: shipping_address }));

export function present(row: OrderWithProduct): z.input<typeof orderRead> {
  return {
    id: row.id,
    product_id: row.productId,
    product_name: row.productName,
    quantity: row.quantity,
    shipping_address: row.shippingAddress,
    created_at: row.createdAt.toISOString(),
  };
}
