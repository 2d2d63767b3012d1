import type { Context } from '../context.js';
import type { Feature } from './types.js';
import { pick } from './versions.js';

/** The HTTP adapter: the only code in a project that imports the web framework. */
const frameworks: Partial<Record<Context['framework'], Feature>> = {
  fastify: {
    id: 'framework-fastify',
    templates: ['features/framework/fastify'],
    dependencies: pick('fastify'),
    // test/fastify.test.ts registers it: a @fastify/* plugin applies to the API's routes
    devDependencies: pick('@fastify/compress'),
  },
  express: {
    id: 'framework-express',
    // the Node server and request helpers Express and Hono share (Fastify has its own)
    templates: ['features/framework/node', 'features/framework/express'],
    dependencies: pick('express'),
    // test/express.test.ts mounts it: an Express middleware applies to the API's routes
    devDependencies: pick('@types/express', 'compression', '@types/compression'),
  },
  hono: {
    id: 'framework-hono',
    templates: ['features/framework/node', 'features/framework/hono'],
    dependencies: pick('hono', '@hono/node-server'),
  },
};

export function frameworkFeature(framework: Context['framework']): Feature {
  const feature = frameworks[framework];
  if (!feature) throw new Error(`No templates for framework "${framework}"`);
  return feature;
}
