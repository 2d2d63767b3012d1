import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// src/ (under vitest) and dist/ (built) both sit one level below the package root.
const packageJsonUrl = new URL('../../package.json', import.meta.url);

let cached: string | undefined;

/** Our own version, from package.json, read once. */
export function generatorVersion(): string {
  cached ??= (JSON.parse(readFileSync(packageJsonUrl, 'utf8')) as { version: string }).version;
  return cached;
}

/** The folder the generator runs from: an installed package (…/node_modules/create-prod-api) or a clone. */
export function generatorRoot(): string {
  return path.dirname(fileURLToPath(packageJsonUrl));
}

/**
 * How a generated project names the generator in its devDependencies, so `npx create-prod-api …` inside it runs
 * the same copy, offline, and an upgrade is a deliberate `npm i -D`. CREATE_PROD_API_SPEC names one outright.
 */
export function generatorSpec(targetDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return specFor(generatorRoot(), targetDir, generatorVersion(), env);
}

/**
 * From where the generator at `root` runs: a clone (`file:` and the path from the project to it); an installed
 * package, as its install's lockfile says it came: the registry (the exact version), a tarball or folder (`file:`
 * and its absolute path: `npx ./create-prod-api-1.0.0.tgz`), a git or tarball URL (that URL). Without a lockfile
 * (a global install), the exact version.
 */
export function specFor(root: string, targetDir: string, version: string, env: NodeJS.ProcessEnv = {}): string {
  if (env.CREATE_PROD_API_SPEC) return env.CREATE_PROD_API_SPEC;
  const parts = root.split(path.sep);
  if (!parts.includes('node_modules')) return `file:${path.relative(targetDir, root).split(path.sep).join('/') || '.'}`;
  const at = parts.lastIndexOf('node_modules');
  const prefix = parts.slice(0, at).join(path.sep) || path.sep;
  const name = parts.slice(at + 1).join('/');
  let resolved: string | undefined;
  try {
    const lock = JSON.parse(readFileSync(path.join(prefix, 'node_modules', '.package-lock.json'), 'utf8')) as {
      packages?: Record<string, { resolved?: string }>;
    };
    resolved = lock.packages?.[`node_modules/${name}`]?.resolved;
  } catch {
    resolved = undefined;
  }
  if (!resolved || /\/-\/[^/]+\.tgz$/.test(resolved)) return version;
  if (resolved.startsWith('file:')) return `file:${path.resolve(prefix, resolved.slice('file:'.length))}`;
  return resolved;
}
