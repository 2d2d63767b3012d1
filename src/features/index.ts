import type { Context } from '../context.js';
import { apiKeysFeature } from './api-keys.js';
import { jwtAuth } from './auth.js';
import { base } from './base.js';
import { databaseFeature } from './database.js';
import { example } from './example.js';
import { frameworkFeature } from './framework.js';
import { idempotencyFeature } from './idempotency.js';
import type { Feature } from './types.js';

export type { Feature } from './types.js';

/** The features a context selects, in the order their files are laid down. */
export function featuresFor(ctx: Context): Feature[] {
  const features = [base, frameworkFeature(ctx.framework), databaseFeature(ctx)];
  if (ctx.auth === 'jwt') features.push(jwtAuth);
  if (ctx.example) {
    // the option table refuses --example with --auth none; this guards a caller that skipped it
    if (ctx.auth !== 'jwt') throw new Error('The example resources need --auth jwt: orders belong to users.');
    features.push(example);
  }
  features.push(idempotencyFeature(ctx));
  if (ctx.apiKeys) {
    // the option table refuses --api-keys with --auth none; this guards a caller that skipped it
    if (ctx.auth !== 'jwt') throw new Error('API keys need --auth jwt: a key acts as one of the API\'s users.');
    features.push(apiKeysFeature(ctx));
  }
  return features;
}
