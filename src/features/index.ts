import type { Context } from '../context.js';
import { apiKeysFeature } from './api-keys.js';
import { jwtAuth, oidcAuth } from './auth.js';
import { base } from './base.js';
import { databaseFeature } from './database.js';
import { exampleFeature } from './example.js';
import { frameworkFeature } from './framework.js';
import { idempotencyFeature } from './idempotency.js';
import type { Feature } from './types.js';

export type { Feature } from './types.js';

/** The features a context selects, in the order their files are laid down. */
export function featuresFor(ctx: Context): Feature[] {
  const features = [base, frameworkFeature(ctx.framework), databaseFeature(ctx)];
  if (ctx.auth === 'jwt') features.push(jwtAuth);
  if (ctx.auth === 'oidc') features.push(oidcAuth);
  if (ctx.example) {
    // the option table refuses --example with --auth none; this guards a caller that skipped it
    if (ctx.auth === 'none') throw new Error('The example resources need users (--auth jwt or oidc): orders belong to users.');
    features.push(exampleFeature(ctx));
  }
  features.push(idempotencyFeature(ctx));
  if (ctx.apiKeys) features.push(apiKeysFeature(ctx));
  return features;
}
