// Field codemod goldens: fixtures/field-codemods/<case>/ holds input.ts, the
// edit (case.json) and the expected output.ts: one version's schemas.ts, a
// table.ts or a generated test. Each edit runs twice: the second run must
// change nothing. Lines marked USER in an input must be in its output.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSources } from '../../src/edit/source.js';
import { fieldCode } from '../../src/resource/field-code.js';
import { parseFields } from '../../src/resource/fields.js';
import { addFieldTo, removeFieldFrom, renameFieldIn, versionSchemas } from '../../src/resource/schema-edit.js';
import { ensureColumn, tableColumns } from '../../src/resource/table-edit.js';
import { ensureFieldTest, removeFieldTests, renameFieldTests } from '../../src/resource/test-edit.js';
import { ROOT } from '../cli/helpers.js';

const FIXTURES = path.join(ROOT, 'fixtures/field-codemods');

interface Case {
  edit: 'add' | 'remove' | 'rename' | 'column' | 'test-add' | 'test-remove' | 'test-rename';
  camel?: string;
  pluralCamel?: string;
  field?: string;
  name?: string;
  to?: string;
  version?: string;
}

function apply(text: string, edit: Case): string {
  const file = openSources().load('src/resources/x/v1/schemas.ts', text);
  const field = edit.field ? parseFields(edit.field)[0]! : undefined;
  switch (edit.edit) {
    case 'add':
      addFieldTo(versionSchemas(file, edit.camel!), fieldCode(field!));
      break;
    case 'remove':
      removeFieldFrom(versionSchemas(file, edit.camel!), edit.name!);
      break;
    case 'rename':
      renameFieldIn(versionSchemas(file, edit.camel!), edit.name!, edit.to!);
      break;
    case 'column': {
      const code = fieldCode(field!);
      ensureColumn(tableColumns(file, edit.pluralCamel!), field!.prop, code.column, code.columnHelpers);
      break;
    }
    case 'test-add': {
      const code = fieldCode(field!);
      const added = ensureFieldTest(file, {
        version: edit.version!,
        plural: 'categories',
        name: field!.name,
        sample: code.sample,
        invalid: code.invalid,
      });
      expect(added).toBe(true);
      break;
    }
    case 'test-remove':
      removeFieldTests(file, edit.version!, edit.name!);
      break;
    case 'test-rename':
      renameFieldTests(file, edit.version!, edit.name!, edit.to!);
      break;
  }
  return file.getFullText();
}

describe.each(readdirSync(FIXTURES))('%s', (name) => {
  const dir = path.join(FIXTURES, name);
  const input = readFileSync(path.join(dir, 'input.ts'), 'utf8');
  const edit = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as Case;
  // UPDATE_GOLDENS=1 writes output.ts from the code (then read the diff before committing it)
  if (process.env.UPDATE_GOLDENS) writeFileSync(path.join(dir, 'output.ts'), apply(input, edit));
  const expected = readFileSync(path.join(dir, 'output.ts'), 'utf8');

  it('gives output.ts', () => {
    expect(apply(input, edit)).toBe(expected);
  });

  it('changes nothing the second time', () => {
    expect(apply(expected, edit)).toBe(expected);
  });

  it("keeps what the user wrote: every USER line (its comment, where the edit renames the line's field)", () => {
    for (const line of input.split('\n').filter((candidate) => candidate.includes('USER'))) {
      const renamed = edit.edit === 'rename' && line.includes(`${edit.name}:`);
      expect(expected).toContain(renamed ? line.replace(`${edit.name}:`, `${edit.to}:`) : line);
    }
  });
});

describe('anchors the field commands need', () => {
  it('names the declaration it looked for', () => {
    const file = openSources().load('src/resources/x/v1/schemas.ts', 'export const categoryRead = z.object({ id: z.number() });\n');
    expect(() => versionSchemas(file, 'category')).toThrow('has no `export const categoryWrite = ...`, which the field commands edit');
  });

  it('a patch derived with .partial() cannot follow a rename: says how to write it instead', () => {
    const text = readFileSync(path.join(FIXTURES, 'add-partial-patch/input.ts'), 'utf8');
    const file = openSources().load('src/resources/x/v1/schemas.ts', text);
    expect(() => renameFieldIn(versionSchemas(file, 'product'), 'name', 'title')).toThrow(
      'productPatch is productWrite.partial(), which cannot follow a renamed field',
    );
  });

  it('nor a new field whose key is not its table property (the value would never reach the column): refused, file untouched', () => {
    const text = readFileSync(path.join(FIXTURES, 'add-partial-patch/input.ts'), 'utf8');
    const file = openSources().load('src/resources/x/v1/schemas.ts', text);
    expect(() => addFieldTo(versionSchemas(file, 'product'), fieldCode(parseFields('unit_cost:int?')[0]!))).toThrow(
      'productPatch is productWrite.partial(), which cannot follow a field whose key is not its table property (unit_cost -> unitCost)',
    );
    expect(file.getFullText()).toBe(text);
  });

  it('a defineFields entry declared elsewhere cannot be renamed onto another property: refused, file untouched', () => {
    const text = readFileSync(path.join(FIXTURES, 'rename-fields/input.ts'), 'utf8').replace(
      '  display_name: { read: z.string(), write: z.string().trim().min(1).max(80) },',
      '  display_name: displayName,',
    );
    const file = openSources().load('src/resources/x/v1/schemas.ts', text);
    expect(() => renameFieldIn(versionSchemas(file, 'category'), 'display_name', 'label')).toThrow(
      "display_name is not written out as { read, write } in category's defineFields",
    );
    expect(file.getFullText()).toBe(text);
  });
});
