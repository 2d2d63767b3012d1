import type { FastifyApp, Guard } from './app.js';

/**
 * Your own Fastify routes and plugins, served beside the generated ones: for what a route definition cannot say (a
 * stream, a webhook's raw body, a file download). A plugin registered here with fastify-plugin, as the @fastify/* ones
 * are (`app.register(compress)`), applies to the generated routes too: they are mounted after this runs. Security
 * headers, the request id and the error envelope are already theirs; `guard()` adds, in one line, the gate every
 * generated route passes (Host, credentials, throttling, access):
 *
 *   app.get('/api/v1/reports/daily', { preHandler: guard({ access: 'staff' }) }, async (request) => report(request.user!));
 *
 * `access` is `public`, `user` or `staff`; `throttle` takes the same rules as a route definition (default: the anon
 * and user scopes). A native route is not in the OpenAPI documents: describe it in your README.
 */
export function nativeRoutes(app: FastifyApp, guard: Guard): void {
  // none yet: the generated routes are declared in src/api/versions.ts
}
