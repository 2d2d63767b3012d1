import type { Feature } from './types.js';
import { pick } from './versions.js';

/** JWT auth: users, refresh-token rotation and blacklist, the token endpoints, GET /me, and the user/token commands. */
export const jwtAuth: Feature = {
  id: 'auth',
  templates: ['features/auth/jwt'],
  dependencies: pick('@node-rs/argon2', 'jose'),
  scripts: {
    'user:create': 'tsx src/cli/user-create.ts',
    'user:promote': 'tsx src/cli/user-role.ts promote',
    'user:demote': 'tsx src/cli/user-role.ts demote',
    'tokens:flush': 'tsx src/cli/tokens-flush.ts',
  },
  tables: ['../auth/tables.js'],
  routes: [{ version: 'v1', name: 'meV1', from: '../auth/me.js' }],
  migrations: [{ tag: '0000_auth', when: 1795783141422 }],
};
