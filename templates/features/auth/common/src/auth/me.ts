import { z } from 'zod';
import { defineRoute } from '../core/routes.js';
import type { RouteFactory } from '../core/versioning.js';

const meRead = z.object({ id: z.int32(), username: z.string() });

/** GET /api/v1/me: who the access token belongs to. */
export const meV1: RouteFactory = () => [
  defineRoute({
    method: 'GET',
    path: '/me',
    access: 'user',
    response: meRead,
    summary: 'The authenticated user',
    schemaNames: { response: 'CurrentUser' },
    tags: ['auth'],
    handler: async ({ user }) => ({ id: user!.id, username: user!.username }),
  }),
];
