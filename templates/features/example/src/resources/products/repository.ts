import { eq } from 'drizzle-orm';
import { keyset, type CursorRequest } from '../../core/pagination.js';
import type { Db } from '../../db/client.js';
import { products, type ProductRow } from './table.js';

export interface ProductInput {
  name: string;
  price: string;
  stock: number;
}

export class ProductRepository {
  constructor(private readonly db: Db) {}

  /** pageSize + 1 rows from the cursor's position; the extra one tells whether there is a next page */
  async list(request: CursorRequest): Promise<ProductRow[]> {
    const { where, orderBy } = keyset(products, request);
    return this.db
      .select()
      .from(products)
      .where(where)
      .orderBy(...orderBy)
      .limit(request.pageSize + 1);
  }

  async get(id: number): Promise<ProductRow | undefined> {
    return this.db.query.products.findFirst({ where: eq(products.id, id) });
  }

  async create(input: ProductInput): Promise<ProductRow> {
    const now = new Date();
    const [row] = await this.db
      .insert(products)
      .values({ ...input, createdAt: now, updatedAt: now })
      .returning();
    return row!;
  }

  async update(id: number, input: Partial<ProductInput>): Promise<ProductRow | undefined> {
    const [row] = await this.db
      .update(products)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(products.id, id))
      .returning();
    return row;
  }

  async delete(id: number): Promise<boolean> {
    const deleted = await this.db.delete(products).where(eq(products.id, id)).returning({ id: products.id });
    return deleted.length > 0;
  }
}
