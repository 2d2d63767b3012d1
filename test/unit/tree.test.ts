import { describe, expect, it } from 'vitest';
import { FileTree, byteSize, normalizeTreePath } from '../../src/plan/tree.js';

describe('FileTree', () => {
  it('sets, gets, has and deletes files by path', () => {
    const tree = new FileTree().set('README.md', '# hi\n').set('bin/run', { content: '#!/bin/sh\n', mode: 0o755 });
    expect(tree.get('README.md')).toEqual({ content: '# hi\n' });
    expect(tree.get('bin/run')).toEqual({ content: '#!/bin/sh\n', mode: 0o755 });
    expect(tree.has('bin/run')).toBe(true);
    expect(tree.delete('bin/run')).toBe(true);
    expect(tree.has('bin/run')).toBe(false);
    expect(tree.delete('bin/run')).toBe(false);
    expect(tree.size).toBe(1);
  });

  it('lists paths sorted, whatever the insertion order', () => {
    const tree = new FileTree().set('src/z.ts', '').set('package.json', '{}').set('src/a.ts', '').set('.gitignore', '');
    expect(tree.paths()).toEqual(['.gitignore', 'package.json', 'src/a.ts', 'src/z.ts']);
    expect(tree.entries().map(([p]) => p)).toEqual(tree.paths());
  });

  it('replaces a file set twice', () => {
    const tree = new FileTree().set('a.txt', 'one').set('a.txt', Buffer.from('two'));
    expect(tree.size).toBe(1);
    expect(tree.get('a.txt')?.content.toString()).toBe('two');
  });

  it('normalizes paths and keeps them inside the project', () => {
    const tree = new FileTree().set('./src//app.ts', 'x');
    expect(tree.has('src/app.ts')).toBe(true);
    expect(normalizeTreePath('src\\win\\path.ts')).toBe('src/win/path.ts');
    for (const bad of ['/etc/passwd', '../outside', 'src/../../x', '.']) {
      expect(() => tree.set(bad, 'x'), bad).toThrow(/inside the project/);
    }
  });

  it('measures content in bytes', () => {
    expect(byteSize('é')).toBe(2);
    expect(byteSize(Buffer.alloc(3))).toBe(3);
  });
});
