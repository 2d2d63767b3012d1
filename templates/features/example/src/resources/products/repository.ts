import { eq, sql } from 'drizzle-orm';
import { keysetQuery, keysetShape, keysetValues, preparePerShape, type CursorRequest } from '../../core/pagination.js';
import type { Db } from '../../db/client.js';
import { products, type ProductRow } from './table.js';

export interface ProductInput {
  name: string;
  price: string;
  stock: number;
}

export class ProductRepository {
  // the list is the hottest query: built and prepared once, not per request
  private readonly listPage;

  constructor(private readonly db: Db) {
    this.listPage = preparePerShape((shape) => {
      const { where, orderBy } = keysetQuery(products, shape);
      return db
        .select()
        .from(products)
        .where(where)
        .orderBy(...orderBy)
        .limit(sql.placeholder('limit'))
        .prepare();
    });
  }

  /** pageSize + 1 rows from the cursor's position; the extra one tells whether there is a next page */
  async list(request: CursorRequest): Promise<ProductRow[]> {
    return this.listPage[keysetShape(request)].all(keysetValues(request));
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
