import { z } from 'zod';
import { DOCS_ASSET_NAMES, DOCS_CSP, docsAsset, docsInitScript, docsVersions, renderDocsPage } from '../core/docs.js';
import { NotFound, ServiceUnavailable } from '../core/errors.js';
import { buildOpenApi, type ApiInfo, type Credentials } from '../core/openapi.js';
import { defineRoute, HttpResult, type MountedRoute } from '../core/routes.js';
import { API_PREFIX, versionsInOrder, type VersionRegistry } from '../core/versioning.js';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
  /** what its absence means for the API, told in the 503 */
  impact?: string;
}

const status = z.object({ status: z.literal('ok') });

/** Each version's OpenAPI document: the routes it serves (inherited ones too) and the unversioned ones (auth). */
export function openApiDocuments(
  info: ApiInfo,
  registry: VersionRegistry,
  apiRoutes: MountedRoute[],
  credentials?: Credentials,
): Record<string, Record<string, unknown>> {
  const unversioned = apiRoutes.filter((mounted) => mounted.version === null);
  return Object.fromEntries(
    versionsInOrder(registry).map((version) => [
      version,
      buildOpenApi({
        info,
        version,
        routes: [...unversioned, ...apiRoutes.filter((mounted) => mounted.version === version)],
        deprecation: registry.deprecated[version],
        credentials,
      }),
    ]),
  );
}

/**
 * Health, OpenAPI and docs: served beside the API, never throttled, so a load
 * balancer's probes and a client's docs never compete with real traffic.
 */
export function operationsRoutes(options: {
  info: ApiInfo;
  registry: VersionRegistry;
  apiRoutes: MountedRoute[];
  readiness: ReadinessCheck[];
  /** how callers authenticate, as the documents say it (default: bearer access tokens) */
  credentials?: Credentials;
}): MountedRoute[] {
  const { registry, apiRoutes, readiness, info } = options;
  const documents = openApiDocuments(info, registry, apiRoutes, options.credentials);

  const live = defineRoute({
    method: 'GET',
    path: '/health/live',
    access: 'public',
    throttle: false,
    authenticate: false,
    anyHost: true,
    response: status,
    summary: 'The process is up',
    handler: async () => ({ status: 'ok' }),
  });
  const ready = defineRoute({
    method: 'GET',
    path: '/health/ready',
    access: 'public',
    throttle: false,
    authenticate: false,
    anyHost: true,
    response: status,
    summary: 'The process can serve: its database (and Redis, if configured) answer',
    handler: async ({ log }) => {
      for (const dependency of readiness) {
        try {
          await dependency.check();
        } catch (error) {
          log.warn({ err: error, dependency: dependency.name }, 'readiness check failed');
          throw new ServiceUnavailable(`${dependency.name} is unavailable${dependency.impact ? `: ${dependency.impact}` : ''}.`);
        }
      }
      return { status: 'ok' };
    },
  });
  const docs = defineRoute({
    method: 'GET',
    path: '/docs',
    access: 'public',
    throttle: false,
    authenticate: false,
    summary: 'Human-readable API docs',
    handler: async () =>
      new HttpResult(200, page, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': DOCS_CSP,
      }),
  });

  const page = renderDocsPage(info.title, documents);
  const init = docsInitScript(docsVersions(documents));
  const docsInit = defineRoute({
    method: 'GET',
    path: '/docs/init.js',
    access: 'public',
    throttle: false,
    authenticate: false,
    summary: 'The script that starts the docs page',
    handler: async () => new HttpResult(200, init, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }),
  });
  const docsAssets = defineRoute({
    method: 'GET',
    path: '/docs/assets/:file',
    access: 'public',
    // throttled as any anonymous request (unlike the page and the documents): ~2 MB a fetch, and browsers cache them
    authenticate: false,
    summary: `Swagger UI's own files (${DOCS_ASSET_NAMES.join(', ')})`,
    handler: async ({ params }) => {
      const asset = docsAsset((params as { file: string }).file);
      if (!asset) throw new NotFound();
      // the package's version pins the bytes: a day in a cache is safe
      return new HttpResult(200, asset.text, { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=86400' });
    },
  });

  const openapi = Object.entries(documents).map(([version, document]) => ({
    version,
    path: `${API_PREFIX}/${version}/openapi.json`,
    route: defineRoute({
      method: 'GET',
      path: '/openapi.json',
      access: 'public',
      throttle: false,
      authenticate: false,
      summary: `OpenAPI 3.1 document of ${version}`,
      handler: async () => document,
    }),
  }));

  return [
    { route: live, path: live.path, version: null },
    { route: ready, path: ready.path, version: null },
    { route: docs, path: docs.path, version: null },
    { route: docsInit, path: docsInit.path, version: null },
    { route: docsAssets, path: docsAssets.path, version: null },
    ...openapi,
  ];
}
