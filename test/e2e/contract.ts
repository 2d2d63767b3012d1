// The generated project's contract check, as a user meets it: release the
// versions (contract:update), then each breaking edit, made in a copy of the
// project, fails contract:check with the change named; compatible edits pass.
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { inProject } from './support.js';

interface Edit {
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

const CASES: { name: string; edits: Edit[]; named?: RegExp[] }[] = [
  {
    name: 'a read field removed',
    // the field's line gone: read and write at once
    edits: [{ file: 'src/resources/products/v1/schemas.ts', from: '  stock: { read: z.int32(), write: z.int32().min(0) },\n', to: '' }],
    named: [/GET \/api\/v1\/products\s+response\s+results\[\]\.stock\s+removed/],
  },
  {
    name: 'a write field retyped',
    edits: [
      {
        file: 'src/resources/orders/v1/schemas.ts',
        from: "write: z.int().min(1, 'Quantity must be at least 1.').max(100, 'Maximum order quantity is 100.') },",
        to: 'write: z.string() },',
      },
    ],
    // v2 serves v1's orders (it does not redefine them): the change is caught there too
    named: [
      /POST \/api\/v1\/orders\s+request\s+quantity\s+type integer -> string/,
      /POST \/api\/v2\/orders\s+request\s+quantity\s+type integer -> string/,
      /api\/v2 breaks its released contract/,
    ],
  },
  {
    name: 'a tighter max',
    edits: [
      {
        file: 'src/resources/products/v1/schemas.ts',
        from: '  name: { read: z.string(), write: z.string().trim().min(1).max(200) },',
        to: '  name: { read: z.string(), write: z.string().trim().min(1).max(100) },',
      },
    ],
    named: [/POST \/api\/v1\/products\s+request\s+name\s+maxLength 200 -> 100/],
  },
  {
    name: 'an endpoint dropped',
    edits: [{ file: 'src/api/versions.ts', from: 'v1: [meV1, productsV1, ordersV1]', to: 'v1: [meV1, productsV1]' }],
    named: [
      /GET \/api\/v1\/orders\s+endpoint\s+removed/,
      /DELETE \/api\/v1\/orders\/\{id\}\s+endpoint\s+removed/,
      /GET \/api\/v2\/orders\s+endpoint\s+removed/,
    ],
  },
];

const COMPATIBLE: Edit[] = [
  // a new optional request field, and v2 gains an endpoint of its own
  {
    file: 'src/resources/products/v1/schemas.ts',
    from: '  stock: { read: z.int32(), write: z.int32().min(0) },\n',
    to: '  stock: { read: z.int32(), write: z.int32().min(0) },\n  note: { read: z.string().nullable(), write: z.string().optional() },\n',
  },
  {
    file: 'src/api/versions.ts',
    from: 'import type { VersionRegistry }',
    to: "import { defineRoute } from '../core/routes.js';\nimport type { VersionRegistry }",
  },
  {
    file: 'src/api/versions.ts',
    from: 'v2: [productsV2]',
    to: "v2: [productsV2, () => [defineRoute({ method: 'GET', path: '/ping', access: 'public', summary: 'Ping', handler: async () => ({}) })]]",
  },
];

/** A copy of the project (its node_modules linked) with the edits applied. */
async function copyWith(project: string, edits: Edit[]): Promise<string> {
  const copy = path.join(await mkdtemp(path.join(os.tmpdir(), 'cpa-contract-')), 'project');
  await cp(project, copy, { recursive: true, filter: (source) => !source.includes(`${path.sep}node_modules`) });
  await symlink(path.join(project, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  for (const edit of edits) {
    const file = path.join(copy, edit.file);
    const text = await readFile(file, 'utf8');
    expect(text, `${edit.file} no longer holds the line this test edits`).toContain(edit.from);
    await writeFile(file, text.replace(edit.from, edit.to));
  }
  return copy;
}

export async function contractCheckJourney(project: string): Promise<void> {
  expect(await inProject(project, 'npm', ['run', 'contract:check'])).toContain('No released version yet');
  const released = await inProject(project, 'npm', ['run', 'contract:update']);
  expect(released).toContain('api-contract/v1.json written');
  expect(released).toContain('api-contract/v2.json written');
  expect(await inProject(project, 'npm', ['run', 'contract:check'])).toContain('api/v1 matches its released contract.');

  for (const { name, edits, named } of CASES) {
    const copy = await copyWith(project, edits);
    try {
      const result = await execa('npm', ['run', 'contract:check'], { cwd: copy, reject: false, all: true });
      expect(result.exitCode, `${name}:\n${result.all}`).toBe(1);
      expect(result.all).toContain('api/v1 breaks its released contract (api-contract/v1.json):');
      for (const pattern of named ?? []) expect(result.all, name).toMatch(pattern);
      expect(result.all).toMatch(/npx create-prod-api add-version v3 --from v[12]/);
    } finally {
      await rm(path.dirname(copy), { recursive: true, force: true });
    }
  }

  const copy = await copyWith(project, COMPATIBLE);
  try {
    const result = await execa('npm', ['run', 'contract:check'], { cwd: copy, reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/POST \/api\/v1\/products\s+request\s+note\s+added/);
    expect(result.all).toMatch(/GET \/api\/v2\/ping\s+endpoint\s+added/);
  } finally {
    await rm(path.dirname(copy), { recursive: true, force: true });
  }
}
