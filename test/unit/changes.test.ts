import { describe, expect, it } from 'vitest';
import { ChangeSet } from '../../src/edit/changes.js';
import { ensureNamedImport, ensureVersion } from '../../src/edit/registry.js';
import { openSources } from '../../src/edit/source.js';

const REGISTRY = [
  "import { productsV1 } from '../resources/products/v1/routes.js';",
  '',
  'export const registry = {',
  "  defaultVersion: 'v1',",
  '  versions: {',
  '    v1: [productsV1],',
  '  },',
  '  deprecated: {},',
  '};',
  '',
];

describe('ChangeSet', () => {
  it('keeps CRLF line endings on every line of a CRLF file the syntax-tree edits changed', () => {
    const before = REGISTRY.join('\r\n');
    const file = openSources().load('src/api/versions.ts', before);
    ensureNamedImport(file, 'categoriesV1', '../resources/categories/v1/routes.js');
    ensureVersion(file, 'v2');
    const changes = new ChangeSet('/project');
    changes.update('src/api/versions.ts', before, file.getFullText());
    const [change] = changes.list();
    expect(change!.after.split('\r\n')).toEqual([
      REGISTRY[0],
      "import { categoriesV1 } from '../resources/categories/v1/routes.js';",
      ...REGISTRY.slice(1, 6),
      '    v2: [],',
      ...REGISTRY.slice(6),
    ]);
    expect(change!.after.replaceAll('\r\n', '')).not.toContain('\n');
  });

  it('leaves an LF file LF', () => {
    const before = REGISTRY.join('\n');
    const changes = new ChangeSet('/project');
    changes.update('src/api/versions.ts', before, before.replace('v1: [productsV1],', 'v1: [productsV1],\n    v2: [],'));
    expect(changes.list()[0]!.after).not.toContain('\r');
  });

  it('a file edited back to what it was is no change', () => {
    const changes = new ChangeSet('/project');
    changes.update('a.ts', 'x\n', 'y\n');
    changes.update('a.ts', 'y\n', 'x\n');
    expect(changes.list()).toEqual([]);
  });
});
