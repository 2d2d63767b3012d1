import { z } from 'zod';
import { defineFields } from '../../../core/fields.js';
import { defineList } from '../../../core/lists.js';
import { decimal } from '../../../core/validation.js';
import { products, type ProductRow } from '../table.js';

/** v2 fields: `price` is read as an object with its currency, a change v1 clients never see. */
export const product = defineFields<ProductRow>()({
  id: { read: z.int32() },
  name: { read: z.string(), write: z.string().trim().min(1).max(200) },
  price: {
    read: z.object({ amount: z.string(), currency: z.string().length(3) }),
    write: decimal({ places: 2, maxDigits: 10, min: 0 }),
    present: (row) => ({ amount: row.price, currency: 'USD' }),
  },
  stock: { read: z.int32(), write: z.int32().min(0) },
  created_at: { read: z.iso.datetime() },
  updated_at: { read: z.iso.datetime() },
});

/** v2 list: what clients may filter, search and order by (`?price__gte=10&search=lamp&ordering=-price`). */
export const productList = defineList({
  fields: {
    name: { column: products.name, type: 'string', filter: ['exact', 'icontains', 'istartswith'], search: true, order: true },
    price: { column: products.price, type: 'decimal', filter: ['exact', 'gt', 'gte', 'lt', 'lte'], order: true },
    stock: { column: products.stock, type: 'integer', filter: ['exact', 'gt', 'gte', 'lt', 'lte'], order: true },
    created_at: { column: products.createdAt, type: 'datetime', order: true },
  },
  ordering: '-created_at',
});
