import type { Context } from '../context.js';
import type { Feature } from './types.js';

/** The reference design's products and orders, live: v1 and v2 products, user-owned orders. Needs auth. */
export const example: Feature = {
  id: 'example',
  templates: ['features/example'],
  tables: ['../resources/products/table.js', '../resources/orders/table.js'],
  routes: [
    { version: 'v1', name: 'productsV1', from: '../resources/products/v1/routes.js' },
    { version: 'v1', name: 'ordersV1', from: '../resources/orders/v1/routes.js' },
    { version: 'v2', name: 'productsV2', from: '../resources/products/v2/routes.js' },
  ],
  migrations: [
    { tag: '0001_examples', when: 1795783146703 },
    { tag: '0002_list_orderings', when: 1796241390871 },
    { tag: '0003_row_versions', when: 1796245961592 },
  ],
  // the same resources in add-resource's terms (orders also check stock, which the DSL does not say)
  resources: {
    products: {
      fields: 'name:string:maxLength=200,price:decimal:min=0,stock:int:min=0',
      access: 'staff-write',
      pagination: 'cursor',
      versions: ['v1', 'v2'],
      seed: { stock: 100 },
    },
    orders: {
      fields: 'product_id:ref(products),quantity:int:min=1:max=100,shipping_address:string:maxLength=500',
      access: 'owner',
      pagination: 'cursor',
      versions: ['v1'],
    },
  },
};

/** The example as a project with these users has it: the same SQL, a drizzle-kit snapshot holding their table. */
export function exampleFeature(ctx: Pick<Context, 'auth'>): Feature {
  return ctx.auth === 'oidc' ? { ...example, migrationsFrom: 'example-after-oidc' } : example;
}
