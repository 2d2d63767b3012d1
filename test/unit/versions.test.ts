import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { assertVersionNames, contractFile, isReleased, nextVersion, oldestFirst, versionNumber } from '../../src/project/versions.js';

describe('version names and release state', () => {
  it('orders by number, not by text, and names the next', () => {
    expect(versionNumber('v12')).toBe(12);
    expect(oldestFirst(new Set(['v10', 'v2', 'v1']))).toEqual(['v1', 'v2', 'v10']);
    expect(nextVersion(['v2', 'v10', 'v1'])).toBe('v11');
    expect(nextVersion([])).toBe('v1');
  });

  it('calls a version released when its contract is committed', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'cpa-versions-'));
    await mkdir(path.join(root, 'api-contract'));
    await writeFile(path.join(root, contractFile('v1')), '{}');
    expect(contractFile('v1')).toBe('api-contract/v1.json');
    expect(isReleased(root, 'v1')).toBe(true);
    expect(isReleased(root, 'v2')).toBe(false);
  });

  it('tells a misspelt version its spelling', () => {
    expect(() =>
      assertVersionNames([
        ['--version', 'v3'],
        ['--from', undefined],
      ]),
    ).not.toThrow();
    expect(() => assertVersionNames([['--version', 'V03']])).toThrow(
      new UsageError('--version V03: versions are written v3 (a lowercase v and a number); use --version v3.'),
    );
    expect(() => assertVersionNames([['--version', 'latest']])).toThrow(/is not a version; versions are v1, v2/);
  });
});
