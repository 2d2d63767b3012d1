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
 * the same version, offline, and an upgrade is a deliberate `npm i -D`: the exact version when the generator is an
 * installed package (npx, npm create), `file:` and the path to it from the project when it runs from a clone (not
 * on the registry yet, or a change being tried). CREATE_PROD_API_SPEC names another (the e2e tests: the packed tarball).
 */
export function generatorSpec(targetDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.CREATE_PROD_API_SPEC) return env.CREATE_PROD_API_SPEC;
  const root = generatorRoot();
  if (root.split(path.sep).includes('node_modules')) return generatorVersion();
  return `file:${path.relative(targetDir, root).split(path.sep).join('/') || '.'}`;
}
