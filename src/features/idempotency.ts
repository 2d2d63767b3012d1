import type { Context } from '../context.js';
import type { Feature } from './types.js';
import { tablesBefore } from './variant.js';

/**
 * Where the migration of the Idempotency-Keys table comes in each project: after the tables the other features
 * made, so it is numbered after theirs, and its drizzle-kit snapshot holds them too (one folder of committed
 * drizzle-kit output for each set of tables before it).
 */
const AFTER = {
  none: { tag: '0000_idempotency_keys', when: 1796284150000 },
  auth: { tag: '0001_idempotency_keys', when: 1796284150000 },
  example: { tag: '0004_idempotency_keys', when: 1796284150000 },
  oidc: { tag: '0001_idempotency_keys', when: 1796284150000 },
  'oidc-example': { tag: '0004_idempotency_keys', when: 1796284150000 },
} as const;

/** Idempotent creates (contract §10): the table their keys and kept answers live in, in every project. */
export function idempotencyFeature(ctx: Pick<Context, 'auth' | 'example'>): Feature {
  const after = tablesBefore(ctx);
  return {
    id: 'idempotency',
    templates: ['features/idempotency'],
    scripts: { 'idempotency:flush': 'tsx src/cli/idempotency-flush.ts' },
    tables: ['../idempotency/table.js'],
    migrations: [AFTER[after]],
    migrationsFrom: `idempotency/after-${after}`,
  };
}
