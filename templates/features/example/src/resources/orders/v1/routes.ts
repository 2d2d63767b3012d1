import type { RouteDeps } from '../../../api/deps.js';
import { resourceRoutes } from '../../../core/resource-routes.js';
import type { RouteFactory } from '../../../core/versioning.js';
import { OrderRepository } from '../repository.js';
import { OrderService } from '../service.js';
import * as schemas from './schemas.js';

/** /api/v1/orders: a user's own orders only. */
export const ordersV1: RouteFactory<RouteDeps> = ({ db }) =>
  resourceRoutes({
    path: '/orders',
    tag: 'orders',
    access: { read: 'user', write: 'user' },
    service: new OrderService(new OrderRepository(db)),
    schemas: { ...schemas.order, list: schemas.orderList },
  });
