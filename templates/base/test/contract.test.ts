import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compareDocuments, type Change } from '../src/contract/diff.js';

type Schema = Record<string, unknown>;

/** A one-version document: GET /things answers `read`; POST /things takes `write`. */
function documentOf(options: { read?: Schema; write?: Schema; query?: Schema[]; statuses?: string[]; extraPath?: boolean }): Schema {
  const json = (schema: Schema) => ({ content: { 'application/json': { schema } } });
  const responses = Object.fromEntries(
    (options.statuses ?? ['200']).map((status) => [status, { description: 'OK', ...json(options.read ?? {}) }]),
  );
  return {
    paths: {
      '/api/v1/things': {
        get: { parameters: options.query ?? [], responses },
        post: { requestBody: json(options.write ?? {}), responses: { '201': { description: 'Created' } } },
      },
      ...(options.extraPath ? { '/api/v1/other': { get: { responses: { '200': { description: 'OK' } } } } } : {}),
    },
  };
}

const object = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({
  type: 'object',
  properties,
  required,
});
const int = { type: 'integer' };
const text = { type: 'string' };
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const query = (name: string, required = false) => ({ name, in: 'query', required, schema: text });

const base = {
  read: object({ id: int, price: text }),
  write: object({ quantity: { ...int, maximum: 100 }, size: { type: 'string', enum: ['s', 'm', 'l'], maxLength: 10 } }),
};
const summary = (changes: Change[]) =>
  changes.map(
    (change) => `${change.breaking ? 'breaking' : 'compatible'}: ${change.endpoint} ${change.where} ${change.field} ${change.change}`,
  );

describe('what a client could notice breaks a released version; additions do not', () => {
  it.each([
    ['a response field removed', { read: object({ id: int }) }, ['breaking: GET /api/v1/things response price removed']],
    [
      'a response field renamed',
      { read: object({ id: int, cost: text }) },
      ['breaking: GET /api/v1/things response price removed', 'compatible: GET /api/v1/things response cost added'],
    ],
    [
      'a response field retyped',
      { read: object({ id: int, price: int }) },
      ['breaking: GET /api/v1/things response price type string -> integer'],
    ],
    [
      'a response field made nullable',
      { read: object({ id: int, price: nullable(text) }) },
      ['breaking: GET /api/v1/things response price made nullable'],
    ],
    [
      'a request field added as required',
      { write: object({ ...(base.write.properties as object), colour: text }) },
      ['breaking: POST /api/v1/things request colour added as required'],
    ],
    [
      'a request field retyped',
      { write: object({ quantity: text, size: (base.write.properties as Record<string, Schema>).size! }) },
      ['breaking: POST /api/v1/things request quantity type integer -> string'],
    ],
    [
      'a lower max',
      { write: object({ quantity: { ...int, maximum: 50 }, size: (base.write.properties as Record<string, Schema>).size! }) },
      ['breaking: POST /api/v1/things request quantity maximum 100 -> 50'],
    ],
    [
      'a shorter maxLength',
      { write: object({ quantity: { ...int, maximum: 100 }, size: { type: 'string', enum: ['s', 'm', 'l'], maxLength: 5 } }) },
      ['breaking: POST /api/v1/things request size maxLength 10 -> 5'],
    ],
    [
      'fewer enum values',
      { write: object({ quantity: { ...int, maximum: 100 }, size: { type: 'string', enum: ['s', 'm'], maxLength: 10 } }) },
      ['breaking: POST /api/v1/things request size enum s|m|l -> s|m'],
    ],
    [
      'a status code removed',
      { statuses: ['201'] },
      ['breaking: GET /api/v1/things status 200 removed', 'compatible: GET /api/v1/things status 201 added'],
    ],
    ['a query parameter removed', { query: [] }, ['breaking: GET /api/v1/things query cursor removed']],
    ['a query parameter made required', { query: [query('cursor', true)] }, ['breaking: GET /api/v1/things query cursor made required']],
    [
      'a new optional request field',
      { write: object({ ...(base.write.properties as object), note: text }, ['quantity', 'size']) },
      ['compatible: POST /api/v1/things request note added'],
    ],
    [
      'a new response field',
      { read: object({ id: int, price: text, stock: int }) },
      ['compatible: GET /api/v1/things response stock added'],
    ],
    ['a new endpoint', { extraPath: true }, ['compatible: GET /api/v1/other endpoint  added']],
    [
      'a response enum where any string was',
      { read: object({ id: int, price: { type: 'string', enum: ['a', 'b'] } }) },
      ['compatible: GET /api/v1/things response price enum any -> a|b'],
    ],
    [
      'a response format changed',
      { read: object({ id: int, price: { type: 'string', format: 'date' } }) },
      ['compatible: GET /api/v1/things response price format none -> date'],
    ],
    [
      'a request enum dropped',
      { write: object({ quantity: { ...int, maximum: 100 }, size: { type: 'string', maxLength: 10 } }) },
      ['compatible: POST /api/v1/things request size enum s|m|l -> any'],
    ],
    [
      'a higher max',
      { write: object({ quantity: { ...int, maximum: 500 }, size: (base.write.properties as Record<string, Schema>).size! }) },
      ['compatible: POST /api/v1/things request quantity maximum 100 -> 500'],
    ],
  ] as const)('%s', (_name, change, expected) => {
    const released = documentOf({ ...base, query: [query('cursor')] });
    const live = documentOf({ ...base, query: [query('cursor')], ...(change as object) });
    expect(summary(compareDocuments(released, live))).toEqual(expected);
  });

  it("a list's filter or ordering taken away breaks its clients; one added does not", () => {
    const ordering = (values: string[]) => ({
      name: 'ordering',
      in: 'query',
      explode: false,
      schema: { type: 'array', items: { type: 'string', enum: values } },
    });
    const filter = { name: 'price__gte', in: 'query', required: false, schema: { type: 'number' } };
    const released = documentOf({ ...base, query: [query('cursor'), filter, ordering(['price', '-price', 'name', '-name'])] });
    const fewer = documentOf({ ...base, query: [query('cursor'), ordering(['price', '-price'])] });
    expect(summary(compareDocuments(released, fewer))).toEqual([
      'breaking: GET /api/v1/things query price__gte removed',
      'breaking: GET /api/v1/things query ordering[] enum price|-price|name|-name -> price|-price',
    ]);
    const more = documentOf({
      ...base,
      query: [query('cursor'), filter, { ...filter, name: 'price__lt' }, ordering(['price', '-price', 'name', '-name', 'stock', '-stock'])],
    });
    expect(summary(compareDocuments(released, more))).toEqual([
      'compatible: GET /api/v1/things query ordering[] enum price|-price|name|-name -> price|-price|name|-name|stock|-stock',
      'compatible: GET /api/v1/things query price__lt added',
    ]);
  });

  it("an integer's column range stated where no bound was is compatible (nothing past it ever reached a row); another new bound breaks", () => {
    const withStock = (stock: Schema) =>
      documentOf({ ...base, write: object({ ...(base.write.properties as Record<string, Schema>), stock }) });
    const released = withStock({ ...int, minimum: 0 });
    expect(summary(compareDocuments(released, withStock({ ...int, minimum: 0, maximum: 2147483647 })))).toEqual([
      'compatible: POST /api/v1/things request stock maximum none -> 2147483647',
    ]);
    expect(summary(compareDocuments(released, withStock({ ...int, minimum: 0, maximum: 1000 })))).toEqual([
      'breaking: POST /api/v1/things request stock maximum none -> 1000',
    ]);
  });

  it("a response's integer stating its range (a project made before read schemas did) is compatible: a client gets no value it could not before", () => {
    const int32 = { ...int, minimum: -2147483648, maximum: 2147483647 };
    expect(summary(compareDocuments(documentOf(base), documentOf({ ...base, read: object({ id: int32, price: text }) })))).toEqual([
      'compatible: GET /api/v1/things response id maximum none -> 2147483647',
      'compatible: GET /api/v1/things response id minimum none -> -2147483648',
    ]);
  });

  it('an endpoint removed', () => {
    const released = documentOf({ ...base, extraPath: true });
    expect(summary(compareDocuments(released, documentOf(base)))).toEqual(['breaking: GET /api/v1/other endpoint  removed']);
  });

  it('a response that may send a new enum value, or another format, breaks', () => {
    const released = documentOf({ read: object({ state: { type: 'string', enum: ['draft'] }, day: { type: 'string', format: 'date' } }) });
    const live = documentOf({
      read: object({ state: { type: 'string', enum: ['draft', 'live'] }, day: { type: 'string', format: 'date-time' } }),
    });
    expect(summary(compareDocuments(released, live))).toEqual([
      'breaking: GET /api/v1/things response state enum draft -> draft|live',
      'breaking: GET /api/v1/things response day format date -> date-time',
    ]);
  });

  it('the same document has no changes', () => {
    expect(compareDocuments(documentOf(base), documentOf(base))).toEqual([]);
  });
});

describe('npm run contract:check', () => {
  const run = promisify(execFile);
  const tsx = resolve('node_modules/.bin/tsx');

  /** The check in a copy of this project whose registry serves one route of the test's own. */
  async function contract(copy: string, command: 'check' | 'update'): Promise<{ code: number; output: string }> {
    try {
      const { stdout } = await run(tsx, ['src/cli/contract.ts', command], { cwd: copy });
      return { code: 0, output: stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, output: failed.stdout + failed.stderr };
    }
  }

  const route = (fields: string) => `import { z } from 'zod';
import { defineRoute } from '../core/routes.js';
import type { RouteFactory } from '../core/versioning.js';
import type { RouteDeps } from './deps.js';

export const gadgetsV1: RouteFactory<RouteDeps> = () => [
  defineRoute({ method: 'GET', path: '/gadgets', access: 'public', response: z.object({ ${fields} }), handler: async () => ({}) }),
];
`;

  it('fails on a field removed on purpose in a temp copy, passes an added one', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'contract-check-'));
    try {
      for (const entry of ['src', 'package.json', 'tsconfig.json']) await cp(entry, join(copy, entry), { recursive: true });
      await symlink(resolve('node_modules'), join(copy, 'node_modules'), 'dir');
      await writeFile(
        join(copy, 'src/api/versions.ts'),
        `import type { VersionRegistry } from '../core/versioning.js';
import type { RouteDeps } from './deps.js';
import { gadgetsV1 } from './gadgets.js';

export const registry: VersionRegistry<RouteDeps> = { defaultVersion: 'v1', versions: { v1: [gadgetsV1] }, deprecated: {} };
`,
      );
      await writeFile(join(copy, 'src/api/gadgets.ts'), route('id: z.int(), price: z.string()'));
      expect((await contract(copy, 'update')).output).toContain('api-contract/v1.json written');

      await writeFile(join(copy, 'src/api/gadgets.ts'), route('id: z.int()'));
      const broken = await contract(copy, 'check');
      expect(broken.code).toBe(1);
      expect(broken.output).toContain('api/v1 breaks its released contract (api-contract/v1.json):');
      expect(broken.output).toMatch(/GET \/api\/v1\/gadgets\s+response\s+price\s+removed/);
      expect(broken.output).toContain('npx create-prod-api add-version v2 --from v1');

      await writeFile(join(copy, 'src/api/gadgets.ts'), route('id: z.int(), price: z.string(), colour: z.string()'));
      const grown = await contract(copy, 'check');
      expect(grown.code, grown.output).toBe(0);
      expect(grown.output).toMatch(/GET \/api\/v1\/gadgets\s+response\s+colour\s+added/);

      // with a v2 served and not released, that is where the change goes: no new version is needed
      const registry = await readFile(join(copy, 'src/api/versions.ts'), 'utf8');
      await writeFile(join(copy, 'src/api/versions.ts'), registry.replace('v1: [gadgetsV1] }', 'v1: [gadgetsV1], v2: [] }'));
      await writeFile(join(copy, 'src/api/gadgets.ts'), route('id: z.int()'));
      const withV2 = await contract(copy, 'check');
      expect(withV2.code).toBe(1);
      expect(withV2.output).toContain('Put the change in v2, which is not released yet (the field commands take --version v2).');
      expect(withV2.output).not.toContain('add-version');
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  }, 60_000);
});
