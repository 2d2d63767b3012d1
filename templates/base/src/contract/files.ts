import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Where released contracts live: one committed file per version, `api-contract/v1.json`. */
export const CONTRACT_DIR = 'api-contract';

export const contractFile = (root: string, version: string) => path.join(root, CONTRACT_DIR, `${version}.json`);

/** The versions released so far: those with a contract file. */
export function releasedVersions(root: string): string[] {
  const dir = path.join(root, CONTRACT_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => /^v\d+\.json$/.test(file))
    .map((file) => file.slice(0, -'.json'.length))
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

export function readContract(root: string, version: string): Record<string, unknown> {
  return JSON.parse(readFileSync(contractFile(root, version), 'utf8')) as Record<string, unknown>;
}

export function writeContract(root: string, version: string, document: unknown): void {
  mkdirSync(path.join(root, CONTRACT_DIR), { recursive: true });
  writeFileSync(contractFile(root, version), stableJson(document));
}

/** JSON with object keys sorted at every level and two-space indents: diffs of the file read as changes, not noise. */
export function stableJson(value: unknown): string {
  const sorted = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(sorted);
    if (item && typeof item === 'object') {
      return Object.fromEntries(
        Object.keys(item)
          .sort()
          .map((key) => [key, sorted((item as Record<string, unknown>)[key])]),
      );
    }
    return item;
  };
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
}
