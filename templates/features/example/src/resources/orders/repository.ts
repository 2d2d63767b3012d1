import { and, eq, gte, sql } from 'drizzle-orm';
import { INT32_MAX, isStorableId } from '../../core/bounds.js';
import { atVersion, nextVersion } from '../../core/conditional.js';
import { ValidationError } from '../../core/errors.js';
import { listStatements, type CursorListRequest } from '../../core/lists.js';
import type { Db } from '../../db/client.js';
import { insertReturning, statement, transaction, updateCount } from '../../db/ops.js';
import { products } from '../products/table.js';
import { orders, type OrderRow } from './table.js';

export type OrderWithProduct = OrderRow & { productName: string };

export interface OrderInput {
  productId: number;
  quantity: number;
  shippingAddress: string;
}

const withProduct = { order: orders, productName: products.name };

export class OrderRepository {
  private readonly page;

  constructor(private readonly db: Db) {
    this.page = listStatements(orders.id, ({ where, orderBy }) =>
      statement(
        db
          .select(withProduct)
          .from(orders)
          .innerJoin(products, eq(products.id, orders.productId))
          .where(and(eq(orders.userId, sql.placeholder('userId')), where))
          .orderBy(...orderBy)
          .limit(sql.placeholder('limit')),
      ),
    );
  }

  async list(userId: number, request: CursorListRequest): Promise<OrderWithProduct[]> {
    const rows = await this.page(request, { userId });
    return rows.map(({ order, productName }) => ({ ...order, productName }));
  }

  get(userId: number, id: number): Promise<OrderWithProduct | undefined> {
    return find(this.db, userId, id);
  }

  /**
   * Takes the stock and records the order in one transaction. The stock check
   * is the UPDATE's own condition (`stock >= quantity`), so concurrent orders
   * can never oversell: the database serialises them, not this process.
   */
  create(userId: number, input: OrderInput): Promise<OrderWithProduct> {
    return transaction(this.db, async (tx) => {
      const productName = await take(tx, input.productId, input.quantity);
      const now = new Date();
      const order = await insertReturning(tx, orders, { ...input, userId, createdAt: now, updatedAt: now });
      return { ...order, productName };
    });
  }

  /**
   * Moves stock between the old and the new line in one transaction; nothing changes if the new one cannot be met.
   * With `expected` (If-Match), only while the order is at that version.
   */
  update(userId: number, id: number, input: Partial<OrderInput>, expected?: number): Promise<OrderWithProduct | undefined> {
    return transaction(this.db, async (tx) => {
      const current = await lockAndFind(tx, userId, id, expected);
      if (!current) return undefined;
      const productId = input.productId ?? current.productId;
      const quantity = input.quantity ?? current.quantity;
      if (productId !== current.productId || quantity !== current.quantity) {
        await giveBack(tx, current.productId, current.quantity);
        await take(tx, productId, quantity);
      }
      await updateCount(tx, orders, { ...input, updatedAt: new Date() }, eq(orders.id, id));
      return find(tx, userId, id);
    });
  }

  /** Deleting an order returns its stock. */
  delete(userId: number, id: number, expected?: number): Promise<boolean> {
    return transaction(this.db, async (tx) => {
      const current = await lockAndFind(tx, userId, id, expected);
      if (!current) return false;
      await tx.delete(orders).where(eq(orders.id, id));
      await giveBack(tx, current.productId, current.quantity);
      return true;
    });
  }
}

async function find(db: Db, userId: number, id: number): Promise<OrderWithProduct | undefined> {
  const [row] = await db
    .select(withProduct)
    .from(orders)
    .innerJoin(products, eq(products.id, orders.productId))
    .where(and(eq(orders.id, id), eq(orders.userId, userId)))
    .limit(1);
  return row ? { ...row.order, productName: row.productName } : undefined;
}

/**
 * Locks the order row before reading it, by writing to it: a concurrent change or delete of the same order waits
 * for this transaction and then sees its result, so stock is never given back twice. (The write is the portable
 * row lock: SQLite has no SELECT ... FOR UPDATE.) It is the change's one version bump, and If-Match's compare.
 */
async function lockAndFind(tx: Db, userId: number, id: number, expected?: number): Promise<OrderWithProduct | undefined> {
  const locked = await updateCount(
    tx,
    orders,
    { updatedAt: new Date(), version: nextVersion(orders) },
    and(eq(orders.id, id), eq(orders.userId, userId), atVersion(orders, expected)),
  );
  return locked === 0 ? undefined : find(tx, userId, id);
}

/** Decrements stock only if enough is left; throws the contract's field errors otherwise (rolling the transaction back). */
async function take(tx: Db, productId: number, quantity: number): Promise<string> {
  // an id past the id column's range is no product: asked of the database, PostgreSQL and MySQL would fail the query
  const [product] = isStorableId(productId)
    ? await tx.select({ name: products.name }).from(products).where(eq(products.id, productId)).limit(1)
    : [];
  if (!product) throw ValidationError.field('product_id', `Invalid pk "${productId}" - object does not exist.`);
  const taken = await updateCount(
    tx,
    products,
    { stock: sql`${products.stock} - ${quantity}`, updatedAt: new Date(), version: nextVersion(products) },
    // `stock - quantity >= 0`, not `stock >= quantity`: an index on stock (the list's ordering) cannot serve it, so
    // MySQL finds the row by its primary key alone; through that index InnoDB's gap locks deadlocked concurrent orders
    and(eq(products.id, productId), gte(sql`${products.stock} - ${quantity}`, 0)),
  );
  if (taken === 0) throw ValidationError.field('quantity', 'Insufficient stock for this product.');
  return product.name;
}

/** Returns stock, up to the column's maximum: a stock set near it by hand never makes a delete fail. */
async function giveBack(tx: Db, productId: number, quantity: number): Promise<void> {
  const stock = sql`case when ${products.stock} > ${INT32_MAX - quantity} then ${INT32_MAX} else ${products.stock} + ${quantity} end`;
  await updateCount(tx, products, { stock, updatedAt: new Date(), version: nextVersion(products) }, eq(products.id, productId));
}
