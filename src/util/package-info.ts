import { readFileSync } from 'node:fs';

// src/ (under vitest) and dist/ (built) both sit one level below the package root.
const packageJsonUrl = new URL('../../package.json', import.meta.url);

let cached: string | undefined;

/** Our own version, from package.json, read once. */
export function generatorVersion(): string {
  cached ??= (JSON.parse(readFileSync(packageJsonUrl, 'utf8')) as { version: string }).version;
  return cached;
}
