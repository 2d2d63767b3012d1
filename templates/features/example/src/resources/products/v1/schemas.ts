import { z } from 'zod';
import { defineList } from '../../../core/lists.js';
import { decimal } from '../../../core/validation.js';
import { products, type ProductRow } from '../table.js';

/** v1 read schema: what a client receives. Released: fields may be added, never removed or retyped. */
export const productRead = z.object({
  id: z.int32(),
  name: z.string(),
  price: z.string().meta({ description: 'decimal with two places, e.g. "12.50"' }),
  stock: z.int32(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

/** v1 list: what clients may filter, search and order by (`?price__gte=10&search=lamp&ordering=-price`). */
export const productList = defineList({
  fields: {
    name: { column: products.name, type: 'string', filter: ['exact', 'icontains', 'istartswith'], search: true, order: true },
    price: { column: products.price, type: 'decimal', filter: ['exact', 'gt', 'gte', 'lt', 'lte'], order: true },
    stock: { column: products.stock, type: 'integer', filter: ['exact', 'gt', 'gte', 'lt', 'lte'], order: true },
    created_at: { column: products.createdAt, type: 'datetime', order: true },
  },
  ordering: '-created_at',
});

/** v1 write schema: what a client may send. Unknown fields are dropped. */
export const productWrite = z
  .object({
    name: z.string().trim().min(1).max(200),
    price: decimal({ places: 2, maxDigits: 10, min: 0 }),
    stock: z.int32().min(0),
  })
  .transform((body) => ({
    name: body.name,
    price: body.price,
    stock: body.stock,
  }));

/** v1 partial update: any of the write fields. */
export const productPatch = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    price: decimal({ places: 2, maxDigits: 10, min: 0 }).optional(),
    stock: z.int32().min(0).optional(),
  })
  .transform((body) => ({
    name: body.name,
    price: body.price,
    stock: body.stock,
  }));

export function present(row: ProductRow): z.input<typeof productRead> {
  return {
    id: row.id,
    name: row.name,
    price: row.price,
    stock: row.stock,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
