import { eq } from 'drizzle-orm';
import { listQuery, type CursorListRequest } from '../../core/lists.js';
import type { Db } from '../../db/client.js';
import { deleteCount, insertReturning, updateReturning } from '../../db/ops.js';
import { products, type ProductInput, type ProductRow } from './table.js';

export class ProductRepository {
  constructor(private readonly db: Db) {}

  /** pageSize + 1 rows of the list's filter and order from the cursor's position; the extra one tells whether there is a next page */
  list(request: CursorListRequest): Promise<ProductRow[]> {
    const { where, orderBy } = listQuery(request, products.id);
    return this.db
      .select()
      .from(products)
      .where(where)
      .orderBy(...orderBy)
      .limit(request.pageSize + 1);
  }

  async get(id: number): Promise<ProductRow | undefined> {
    const [row] = await this.db.select().from(products).where(eq(products.id, id)).limit(1);
    return row;
  }

  create(input: ProductInput): Promise<ProductRow> {
    const now = new Date();
    return insertReturning(this.db, products, { ...input, createdAt: now, updatedAt: now });
  }

  update(id: number, input: Partial<ProductInput>): Promise<ProductRow | undefined> {
    return updateReturning(this.db, products, { ...input, updatedAt: new Date() }, eq(products.id, id));
  }

  async delete(id: number): Promise<boolean> {
    return (await deleteCount(this.db, products, eq(products.id, id))) > 0;
  }
}
