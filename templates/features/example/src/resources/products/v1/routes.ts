import { resourceRoutes } from '../../../core/resource-routes.js';
import type { RouteFactory } from '../../../core/versioning.js';
import type { RouteDeps } from '../../../api/deps.js';
import { ProductRepository } from '../repository.js';
import { ProductService } from '../service.js';
import * as schemas from './schemas.js';

/** /api/v1/products: reads are public, writes need a staff user. */
export const productsV1: RouteFactory<RouteDeps> = ({ db }) =>
  resourceRoutes({
    path: '/products',
    tag: 'products',
    access: { read: 'public', write: 'staff' },
    service: new ProductService(new ProductRepository(db)),
    schemas: { ...schemas.product, list: schemas.productList },
  });
