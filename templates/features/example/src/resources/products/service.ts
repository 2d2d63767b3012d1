import { NotFound } from '../../core/errors.js';
import { listPage, type CursorListRequest } from '../../core/lists.js';
import type { CursorPage } from '../../core/pagination.js';
import type { AuthUser } from '../../core/routes.js';
import type { ProductRepository } from './repository.js';
import type { ProductInput, ProductRow } from './table.js';

/** What every version of the products API does; versions differ only in their schemas. */
export class ProductService {
  constructor(private readonly products: ProductRepository) {}

  async list(request: CursorListRequest, url: URL): Promise<CursorPage<ProductRow>> {
    return listPage(await this.products.list(request), request, url);
  }

  async get(id: number): Promise<ProductRow> {
    const row = await this.products.get(id);
    if (!row) throw new NotFound();
    return row;
  }

  create(input: ProductInput): Promise<ProductRow> {
    return this.products.create(input);
  }

  /** `expected`: the row version an If-Match named (no row of it is a NotFound, which the route makes a 412). */
  async update(id: number, input: Partial<ProductInput>, _user?: AuthUser | null, expected?: number): Promise<ProductRow> {
    const row = await this.products.update(id, input, expected);
    if (!row) throw new NotFound();
    return row;
  }

  async remove(id: number, _user?: AuthUser | null, expected?: number): Promise<void> {
    if (!(await this.products.delete(id, expected))) throw new NotFound();
  }
}
