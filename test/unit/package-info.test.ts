import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { specFor } from '../../src/util/package-info.js';

async function installed(resolved: string | undefined): Promise<{ prefix: string; root: string }> {
  const prefix = await mkdtemp(path.join(os.tmpdir(), 'cpa-spec-'));
  const root = path.join(prefix, 'node_modules', 'create-prod-api');
  await mkdir(root, { recursive: true });
  const packages = resolved ? { 'node_modules/create-prod-api': { version: '1.2.3', resolved } } : {};
  await writeFile(path.join(prefix, 'node_modules', '.package-lock.json'), JSON.stringify({ packages }));
  return { prefix, root };
}

describe('how a project names the generator that made it', () => {
  it('a clone: file: and the path from the project to it', () => {
    expect(specFor('/home/me/create-prod-api', '/home/me/projects/api', '1.2.3')).toBe('file:../../create-prod-api');
  });

  it('from the registry: the exact version', async () => {
    const { root } = await installed('https://registry.npmjs.org/create-prod-api/-/create-prod-api-1.2.3.tgz');
    expect(specFor(root, '/home/me/api', '1.2.3')).toBe('1.2.3');
  });

  it('npx ./create-prod-api-1.2.3.tgz: that tarball, by its absolute path', async () => {
    const { prefix, root } = await installed('file:../../packs/create-prod-api-1.2.3.tgz');
    expect(specFor(root, '/home/me/api', '1.2.3')).toBe(`file:${path.resolve(prefix, '../../packs/create-prod-api-1.2.3.tgz')}`);
  });

  it('from git: the same URL', async () => {
    const { root } = await installed('git+ssh://git@github.com/acme/create-prod-api.git#abc123');
    expect(specFor(root, '/home/me/api', '1.2.3')).toBe('git+ssh://git@github.com/acme/create-prod-api.git#abc123');
  });

  it('no lockfile entry (a global install): the exact version; CREATE_PROD_API_SPEC wins over all', async () => {
    const { root } = await installed(undefined);
    expect(specFor(root, '/home/me/api', '1.2.3')).toBe('1.2.3');
    expect(specFor(root, '/home/me/api', '1.2.3', { CREATE_PROD_API_SPEC: 'file:/x.tgz' })).toBe('file:/x.tgz');
  });
});
