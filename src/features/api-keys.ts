import type { Context } from '../context.js';
import type { Feature } from './types.js';
import { tablesBefore } from './variant.js';

/**
 * Where the keys table's migration comes: after every other feature's, so it is numbered after theirs and its
 * drizzle-kit snapshot holds their tables (one folder of committed drizzle-kit output for each set before it).
 */
const AFTER = {
  auth: { tag: '0002_api_keys', when: 1796400000000 },
  example: { tag: '0005_api_keys', when: 1796400000000 },
  oidc: { tag: '0002_api_keys', when: 1796400000000 },
  'oidc-example': { tag: '0005_api_keys', when: 1796400000000 },
} as const;

/** API keys for machine clients (contract §4.2): the keys table, the authenticator in front of the user's, the commands. */
export function apiKeysFeature(ctx: Pick<Context, 'example' | 'auth'>): Feature {
  const after = tablesBefore(ctx);
  // the option table refuses --api-keys with --auth none; this guards a caller that skipped it
  if (after === 'none') throw new Error("API keys need users (--auth jwt or oidc): a key acts as one of the API's users.");
  return {
    id: 'api-keys',
    templates: ['features/api-keys'],
    scripts: {
      'apikey:create': 'tsx src/cli/apikey.ts create',
      'apikey:list': 'tsx src/cli/apikey.ts list',
      'apikey:revoke': 'tsx src/cli/apikey.ts revoke',
    },
    tables: ['../apikeys/table.js'],
    migrations: [AFTER[after]],
    migrationsFrom: `api-keys/after-${after}`,
  };
}
