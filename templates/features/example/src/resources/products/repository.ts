import { and, eq, sql } from 'drizzle-orm';
import { atVersion, nextVersion } from '../../core/conditional.js';
import { listStatements, type CursorListRequest } from '../../core/lists.js';
import type { Db } from '../../db/client.js';
import { deleteCount, insertReturning, statement, updateReturning } from '../../db/ops.js';
import { products, type ProductInput, type ProductRow } from './table.js';

export class ProductRepository {
  // the detail is built once, not per request: building it costs more than the database's answer
  private readonly byId;
  // the list is the hottest query: prepared once per shape (its filters, ordering, cursor), not built per request
  private readonly page;

  constructor(private readonly db: Db) {
    this.byId = statement(
      db
        .select()
        .from(products)
        .where(eq(products.id, sql.placeholder('id')))
        .limit(1),
    );
    this.page = listStatements(products.id, ({ where, orderBy }) =>
      statement(
        db
          .select()
          .from(products)
          .where(where)
          .orderBy(...orderBy)
          .limit(sql.placeholder('limit')),
      ),
    );
  }

  /** pageSize + 1 rows of the list's filter and order from the cursor's position; the extra one tells whether there is a next page */
  list(request: CursorListRequest): Promise<ProductRow[]> {
    return this.page(request);
  }

  async get(id: number): Promise<ProductRow | undefined> {
    const [row] = await this.byId({ id });
    return row;
  }

  create(input: ProductInput): Promise<ProductRow> {
    const now = new Date();
    return insertReturning(this.db, products, { ...input, createdAt: now, updatedAt: now });
  }

  /** With `expected` (If-Match), only while the row is at that version: the compare and the write are one statement. */
  update(id: number, input: Partial<ProductInput>, expected?: number): Promise<ProductRow | undefined> {
    const changes = { ...input, updatedAt: new Date(), version: nextVersion(products) };
    return updateReturning(this.db, products, changes, and(eq(products.id, id), atVersion(products, expected)));
  }

  async delete(id: number, expected?: number): Promise<boolean> {
    return (await deleteCount(this.db, products, and(eq(products.id, id), atVersion(products, expected)))) > 0;
  }
}
