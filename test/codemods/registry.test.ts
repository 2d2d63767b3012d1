// Codemod goldens: fixtures/codemods/<helper>/<case>/ holds input.ts, the
// helper's arguments (case.json) and the expected output.ts. Each helper runs
// twice: the second run must change nothing (every ensureX is idempotent).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as edits from '../../src/edit/registry.js';
import { openSources } from '../../src/edit/source.js';
import { ROOT } from '../cli/helpers.js';

const FIXTURES = path.join(ROOT, 'fixtures/codemods');
const HELPERS = {
  ensureNamedImport: edits.ensureNamedImport,
  ensureExportStar: edits.ensureExportStar,
  ensureVersionRoute: edits.ensureVersionRoute,
  ensureVersion: edits.ensureVersion,
  ensureDeprecation: edits.ensureDeprecation,
} as const;

const cases = readdirSync(FIXTURES).flatMap((helper) => readdirSync(path.join(FIXTURES, helper)).map((name) => [helper, name] as const));

describe.each(cases)('%s: %s', (helper, name) => {
  const dir = path.join(FIXTURES, helper, name);
  const input = readFileSync(path.join(dir, 'input.ts'), 'utf8');
  const expected = readFileSync(path.join(dir, 'output.ts'), 'utf8');
  const { args } = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as { args: unknown[] };
  const apply = (text: string) => {
    const file = openSources().load('src/api/file.ts', text);
    (HELPERS[helper as keyof typeof HELPERS] as (...all: unknown[]) => unknown)(file, ...args);
    return file.getFullText();
  };

  it('gives output.ts', () => {
    expect(apply(input)).toBe(expected);
  });

  it('changes nothing the second time', () => {
    expect(apply(expected)).toBe(expected);
  });
});

describe('ensureNamedImport', () => {
  it("returns the user's alias for an import they renamed", () => {
    const file = openSources().load('a.ts', "import { productsV1 as catalogue } from './routes.js';\n");
    expect(edits.ensureNamedImport(file, 'productsV1', './routes.js')).toBe('catalogue');
  });

  it('refuses a name another import already uses', () => {
    const file = openSources().load('a.ts', "import { categoriesV1 } from './elsewhere.js';\n");
    expect(() => edits.ensureNamedImport(file, 'categoriesV1', './routes.js')).toThrow('imports another "categoriesV1" already');
  });
});

describe('missing anchors name what was looked for', () => {
  it.each([
    ['export const routes = [];\n', 'has no `export const registry = {'],
    ['export const registry = { defaultVersion: "v1", deprecated: {} };\n', 'the registry has no `versions: { ... }` object literal'],
    ['export const registry = { versions: { v1: routes }, deprecated: {} };\n', 'registry version v1 is not an array literal'],
  ])('%s', (text, message) => {
    const file = openSources().load('src/api/versions.ts', text);
    expect(() => edits.ensureVersionRoute(file, 'v1', 'x')).toThrow(message);
  });
});
