import { eq, sql } from 'drizzle-orm';
import { keysetQuery, keysetShape, keysetValues, preparePerShape, type CursorRequest } from '../../core/pagination.js';
import type { Db } from '../../db/client.js';
import { timeParam } from '../../db/columns.js';
import { deleteCount, insertReturning, prepared, updateReturning } from '../../db/ops.js';
import { products, type ProductInput, type ProductRow } from './table.js';

export class ProductRepository {
  // the list is the hottest query: built and prepared once, not per request
  private readonly listPage;

  constructor(private readonly db: Db) {
    this.listPage = preparePerShape((shape) => {
      const { where, orderBy } = keysetQuery(products, shape);
      return prepared(
        db
          .select()
          .from(products)
          .where(where)
          .orderBy(...orderBy)
          .limit(sql.placeholder('limit')),
      );
    });
  }

  /** pageSize + 1 rows from the cursor's position; the extra one tells whether there is a next page */
  list(request: CursorRequest): Promise<ProductRow[]> {
    return this.listPage[keysetShape(request)](keysetValues(request, timeParam));
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
