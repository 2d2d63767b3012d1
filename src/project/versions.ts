// Version names (v1, v2, ...) and release state, worked out once for every command. A version is released when
// its contract is committed: api-contract/<version>.json, which the project's `npm run contract:update` writes
// (templates/base/src/contract/files.ts is the project's side of the same rule).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

export const VERSION_PATTERN = /^v[1-9]\d*$/;

/** v12 -> 12 */
export const versionNumber = (version: string): number => Number(version.slice(1));

/** The versions oldest first (v2 before v10). */
export const oldestFirst = (versions: Iterable<string>): string[] => [...versions].sort((a, b) => versionNumber(a) - versionNumber(b));

/** The name of the version after the newest of these. */
export const nextVersion = (versions: readonly string[]): string => `v${Math.max(0, ...versions.map(versionNumber)) + 1}`;

/** Where a version's released contract is committed, from the project's root. */
export const contractFile = (version: string): string => `api-contract/${version}.json`;

export const isReleased = (root: string, version: string): boolean => existsSync(path.join(root, contractFile(version)));

/**
 * A usage error unless each value is a version name (`v` and a number); one
 * that only misspells it (`V3`, `3`, `v03`) is told the right spelling.
 */
export function assertVersionNames(values: readonly (readonly [flag: string, value: string | undefined])[]): void {
  for (const [flag, value] of values) {
    if (value === undefined || VERSION_PATTERN.test(value)) continue;
    const number = /^[vV]?0*([1-9]\d*)$/.exec(value.trim())?.[1];
    throw new UsageError(
      number
        ? `${flag} ${value}: versions are written v${number} (a lowercase v and a number); use ${flag === 'version' ? '' : `${flag} `}v${number}.`
        : `${flag} ${value} is not a version; versions are v1, v2, ...`,
    );
  }
}
