import { and, eq, gte, sql } from 'drizzle-orm';
import { ValidationError } from '../../core/errors.js';
import { keysetQuery, keysetShape, keysetValues, preparePerShape, type CursorRequest } from '../../core/pagination.js';
import type { Db } from '../../db/client.js';
import { products } from '../products/table.js';
import { orders, type OrderRow } from './table.js';

export type OrderWithProduct = OrderRow & { productName: string };

export interface OrderInput {
  productId: number;
  quantity: number;
  shippingAddress: string;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const withProduct = { order: orders, productName: products.name };

export class OrderRepository {
  private readonly listPage;

  constructor(private readonly db: Db) {
    this.listPage = preparePerShape((shape) => {
      const { where, orderBy } = keysetQuery(orders, shape);
      return db
        .select(withProduct)
        .from(orders)
        .innerJoin(products, eq(products.id, orders.productId))
        .where(and(eq(orders.userId, sql.placeholder('userId')), where))
        .orderBy(...orderBy)
        .limit(sql.placeholder('limit'))
        .prepare();
    });
  }

  async list(userId: number, request: CursorRequest): Promise<OrderWithProduct[]> {
    const rows = this.listPage[keysetShape(request)].all({ ...keysetValues(request), userId });
    return rows.map(({ order, productName }) => ({ ...order, productName }));
  }

  async get(userId: number, id: number): Promise<OrderWithProduct | undefined> {
    return this.find(this.db, userId, id);
  }

  /**
   * Takes the stock and records the order in one transaction. The stock check
   * is the UPDATE's own condition (`stock >= quantity`), so concurrent orders
   * can never oversell: the database serialises them, not this process.
   */
  async create(userId: number, input: OrderInput): Promise<OrderWithProduct> {
    return this.db.transaction((tx) => {
      const productName = take(tx, input.productId, input.quantity);
      const now = new Date();
      const [order] = tx
        .insert(orders)
        .values({ ...input, userId, createdAt: now, updatedAt: now })
        .returning()
        .all();
      return { ...order!, productName };
    });
  }

  /** Moves stock between the old and the new line in one transaction; nothing changes if the new one cannot be met. */
  async update(userId: number, id: number, input: Partial<OrderInput>): Promise<OrderWithProduct | undefined> {
    return this.db.transaction((tx) => {
      const current = tx
        .select()
        .from(orders)
        .where(and(eq(orders.id, id), eq(orders.userId, userId)))
        .get();
      if (!current) return undefined;
      const productId = input.productId ?? current.productId;
      const quantity = input.quantity ?? current.quantity;
      if (productId !== current.productId || quantity !== current.quantity) {
        giveBack(tx, current.productId, current.quantity);
        take(tx, productId, quantity);
      }
      tx.update(orders)
        .set({ ...input, updatedAt: new Date() })
        .where(eq(orders.id, id))
        .run();
      return this.find(tx, userId, id);
    });
  }

  /** Deleting an order returns its stock. */
  async delete(userId: number, id: number): Promise<boolean> {
    return this.db.transaction((tx) => {
      const [deleted] = tx
        .delete(orders)
        .where(and(eq(orders.id, id), eq(orders.userId, userId)))
        .returning()
        .all();
      if (!deleted) return false;
      giveBack(tx, deleted.productId, deleted.quantity);
      return true;
    });
  }

  private find(db: Db | Tx, userId: number, id: number): OrderWithProduct | undefined {
    const row = db
      .select(withProduct)
      .from(orders)
      .innerJoin(products, eq(products.id, orders.productId))
      .where(and(eq(orders.id, id), eq(orders.userId, userId)))
      .get();
    return row ? { ...row.order, productName: row.productName } : undefined;
  }
}

/** Decrements stock only if enough is left; throws the contract's field errors otherwise (rolling the transaction back). */
function take(tx: Tx, productId: number, quantity: number): string {
  const product = tx.select({ name: products.name }).from(products).where(eq(products.id, productId)).get();
  if (!product) throw ValidationError.field('product_id', `Invalid pk "${productId}" - object does not exist.`);
  const taken = tx
    .update(products)
    .set({ stock: sql`${products.stock} - ${quantity}`, updatedAt: new Date() })
    .where(and(eq(products.id, productId), gte(products.stock, quantity)))
    .returning({ id: products.id })
    .all();
  if (taken.length === 0) throw ValidationError.field('quantity', 'Insufficient stock for this product.');
  return product.name;
}

function giveBack(tx: Tx, productId: number, quantity: number): void {
  tx.update(products)
    .set({ stock: sql`${products.stock} + ${quantity}`, updatedAt: new Date() })
    .where(eq(products.id, productId))
    .run();
}
