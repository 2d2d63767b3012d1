import { NotAuthenticated, NotFound } from '../../core/errors.js';
import { listPage, type CursorListRequest } from '../../core/lists.js';
import type { CursorPage } from '../../core/pagination.js';
import type { AuthUser } from '../../core/routes.js';
import type { OrderInput, OrderRepository, OrderWithProduct } from './repository.js';

/** A user sees and changes only their own orders; anyone else's is a 404, so its existence does not leak. */
export class OrderService {
  constructor(private readonly orders: OrderRepository) {}

  async list(request: CursorListRequest, url: URL, user: AuthUser | null): Promise<CursorPage<OrderWithProduct>> {
    return listPage(await this.orders.list(owner(user), request), request, url);
  }

  async get(id: number, user: AuthUser | null): Promise<OrderWithProduct> {
    return found(await this.orders.get(owner(user), id));
  }

  create(input: OrderInput, user: AuthUser | null): Promise<OrderWithProduct> {
    return this.orders.create(owner(user), input);
  }

  /** `expected`: the order version an If-Match named (no row of it is a NotFound, which the route makes a 412). */
  async update(id: number, input: Partial<OrderInput>, user: AuthUser | null, expected?: number): Promise<OrderWithProduct> {
    return found(await this.orders.update(owner(user), id, input, expected));
  }

  async remove(id: number, user: AuthUser | null, expected?: number): Promise<void> {
    if (!(await this.orders.delete(owner(user), id, expected))) throw new NotFound();
  }
}

function owner(user: AuthUser | null): number {
  // the routes require a user; this guards a route registered without that rule
  if (!user) throw new NotAuthenticated();
  return user.id;
}

function found<T>(row: T | undefined): T {
  if (!row) throw new NotFound();
  return row;
}
