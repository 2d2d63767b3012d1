// Context -> the whole project as an in-memory FileTree. Nothing here touches
// the target directory: create commits the tree afterwards, or prints it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from '../context.js';
import { databaseFeature } from '../features/database.js';
import { featuresFor, type Feature } from '../features/index.js';
import { projectSpec } from '../options.js';
import { MANIFEST_FILE, manifestJson, sha256, type LogEntry } from '../project/manifest.js';
import { readTemplateDir, templateToOutput, type View } from './render.js';
import { FileTree } from './tree.js';

/** templates/ beside dist/ (installed package) or src/ (tests run from source). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates', import.meta.url));

export async function planProject(ctx: Context): Promise<FileTree> {
  const features = featuresFor(ctx);
  const view = viewFor(ctx, features);
  const tree = new FileTree();

  for (const feature of features) {
    for (const folder of feature.templates) {
      for (const file of await readTemplateDir(path.join(TEMPLATES_DIR, folder))) {
        const output = templateToOutput(file.path, file.content, view);
        tree.set(output.path, file.mode & 0o111 ? { content: output.content, mode: 0o755 } : output.content);
      }
    }
  }
  await addMigrations(tree, features, view.dialect);
  tree.set('package.json', `${JSON.stringify(packageJson(ctx, features, tree), null, 2)}\n`);
  tree.set(MANIFEST_FILE, manifestJson(manifest(ctx, features, tree)));
  return tree;
}

/** Everything a template may read: the context, plus the named slots the features fill. */
function viewFor(ctx: Context, features: Feature[]): View & { dialect: string } {
  const database = databaseFeature(ctx);
  const routes = features.flatMap((feature) => feature.routes ?? []);
  const versions = [...new Set(['v1', ...routes.map((route) => route.version)])].sort();
  return {
    ...ctx,
    /** our own users, logins and tokens */
    jwt: ctx.auth === 'jwt',
    /** an identity provider's tokens */
    oidc: ctx.auth === 'oidc',
    /** users at all (jwt or oidc): owners, orders, access rules beyond public */
    users: ctx.auth !== 'none',
    /** `{{#if frameworkIs.hono}}`: text that differs by framework (the README's native-route example) */
    frameworkIs: { [ctx.framework]: true },
    dialect: database.dialect,
    db: { label: database.label, envUrl: database.envUrl, urlHelp: database.urlHelp, server: database.ci !== undefined },
    tables: features.flatMap((feature) => feature.tables ?? []),
    migrations: features.flatMap((feature) => feature.migrations ?? []),
    registry: {
      imports: routes.map(({ name, from }) => ({ name, from })),
      versions: versions.map((name) => ({ name, routes: routes.filter((route) => route.version === name).map((route) => route.name) })),
    },
    ci: {
      ...continuousIntegration(ctx.packageManager),
      services: indent(database.ci?.services, 6),
      env: Object.entries(database.ci?.env ?? {}).map(([key, value]) => ({ key, value })),
    },
  };
}

/** Each feature's committed drizzle-kit output for this dialect: the SQL and the schema snapshot it leaves. */
async function addMigrations(tree: FileTree, features: Feature[], dialect: string): Promise<void> {
  for (const feature of features) {
    if (!feature.migrations?.length) continue;
    const folder = path.join(TEMPLATES_DIR, 'migrations', dialect, feature.migrationsFrom ?? feature.id);
    for (const file of await readTemplateDir(folder)) tree.set(`drizzle/${file.path}`, file.content);
  }
}

function packageJson(ctx: Context, features: Feature[], tree: FileTree): Record<string, unknown> {
  const template = JSON.parse(String(tree.get('package.json')?.content ?? '{}')) as Record<string, unknown>;
  const merge = (key: 'dependencies' | 'devDependencies' | 'scripts') =>
    sortKeys(Object.assign({}, template[key] as object, ...features.map((feature) => feature[key] ?? {})));
  // the generator that made it, so `npx create-prod-api add-resource` runs this very version, offline
  const devDependencies = { ...merge('devDependencies'), 'create-prod-api': ctx.generatorSpec } as Record<string, string>;
  // openapi-typescript declares a peer `typescript ^5` and works with the TypeScript the project uses (the e2e runs
  // client:generate): npm needs the override to install them together
  const overrides = 'openapi-typescript' in devDependencies ? { overrides: { typescript: devDependencies.typescript } } : {};
  return {
    ...template,
    name: ctx.name,
    scripts: merge('scripts'),
    dependencies: merge('dependencies'),
    devDependencies: sortKeys(devDependencies),
    ...overrides,
  };
}

/**
 * Read by later subcommands (add-resource, add-version) to know what the project was made with; its log and hashes
 * say how to make it again, and which files are still as generated.
 */
function manifest(ctx: Context, features: Feature[], tree: FileTree): Record<string, unknown> {
  const files = Object.fromEntries(
    tree
      .paths()
      .filter((file) => file !== MANIFEST_FILE)
      .sort()
      .map((file) => [file, sha256(tree.get(file)!.content)]),
  );
  const spec = projectSpec(ctx);
  const create: LogEntry = { command: 'create', args: [ctx.name, ...spec.args] };
  return {
    generator: 'create-prod-api',
    generatorVersion: ctx.generatorVersion,
    options: spec.options,
    resources: Object.assign({}, ...features.map((feature) => feature.resources ?? {})),
    log: [create],
    files,
  };
}

/** The generated CI workflow's install step for the chosen package manager, and how it runs an installed bin. */
function continuousIntegration(packageManager: Context['packageManager']): { setup: string[]; install: string; exec: string } {
  switch (packageManager) {
    case 'pnpm':
      return { setup: ['- uses: pnpm/action-setup@v4'], install: 'pnpm install --frozen-lockfile', exec: 'pnpm exec' };
    case 'yarn':
      return { setup: ['- run: corepack enable'], install: 'yarn install --immutable', exec: 'yarn' };
    case 'bun':
      return { setup: ['- uses: oven-sh/setup-bun@v2'], install: 'bun install --frozen-lockfile', exec: 'bunx' };
    default:
      return { setup: [], install: 'npm ci', exec: 'npx' };
  }
}

function indent(text: string | undefined, spaces: number): string | false {
  return text === undefined
    ? false
    : text
        .split('\n')
        .map((line) => ' '.repeat(spaces) + line)
        .join('\n');
}

function sortKeys(object: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
