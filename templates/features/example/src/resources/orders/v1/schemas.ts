import { z } from 'zod';
import { defineFields } from '../../../core/fields.js';
import { defineList } from '../../../core/lists.js';
import type { OrderWithProduct } from '../repository.js';
import { orders } from '../table.js';

/** v1 fields: the client names the product, the quantity and where to ship it; the owner is the caller. */
export const order = defineFields<OrderWithProduct>()({
  id: { read: z.int32() },
  product_id: { read: z.int32(), write: z.int() },
  product_name: { read: z.string() },
  quantity: { read: z.int32(), write: z.int().min(1, 'Quantity must be at least 1.').max(100, 'Maximum order quantity is 100.') },
  shipping_address: { read: z.string(), write: z.string().trim().min(1).max(500) },
  created_at: { read: z.iso.datetime() },
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
