import type { Context } from '../context.js';

/**
 * The tables a project has before the features that come last (idempotency, API keys): which users (none, our
 * own, an identity provider's) and whether the example. Their migrations' drizzle-kit snapshots hold those tables,
 * so each has a folder of committed output per variant (templates/migrations/<dialect>/<feature>/after-<variant>).
 */
export type TablesBefore = 'none' | 'auth' | 'example' | 'oidc' | 'oidc-example';

export function tablesBefore(ctx: Pick<Context, 'auth' | 'example'>): TablesBefore {
  if (ctx.auth === 'none') return 'none';
  if (ctx.auth === 'oidc') return ctx.example ? 'oidc-example' : 'oidc';
  return ctx.example ? 'example' : 'auth';
}
