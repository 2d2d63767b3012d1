import type express from 'express';
import type { Guard } from './app.js';

/**
 * Your own Express routes, served beside the generated ones: for what a route definition cannot say (a stream, a
 * webhook's raw body, a file download). Security headers, the request id and the error envelope are already theirs;
 * `guard()` adds, in one line, the gate every generated route passes (Host, credentials, throttling, access):
 *
 *   app.get('/api/v1/reports/daily', guard({ access: 'staff' }), async (request, response) => { response.json(await report(response.locals.user!)); });
 *
 * `access` is `public`, `user` or `staff`; `throttle` takes the same rules as a route definition (default: the anon
 * and user scopes). A native route is not in the OpenAPI documents: describe it in your README.
 *
 * `app` is mounted after the generated routes. Middleware that should run for every request, the generated routes
 * included, goes on `before`, mounted ahead of them:
 *
 *   before.use(compression());
 */
export function nativeRoutes(app: express.Router, guard: Guard, before: express.Router): void {
  // none yet: the generated routes are declared in src/api/versions.ts
}
