// The upgrade's merge decisions, file by file, without a generator: JSON key by
// key, moves, deletions on either side, --restore, and the line merge's markers.
import { describe, expect, it } from 'vitest';
import { mergeJson } from '../../src/upgrade/json-merge.js';
import { findMoves, planUpgrade, similarity, type PlanInput } from '../../src/upgrade/plan.js';
import { hasConflictMarkers, mergeText } from '../../src/upgrade/text-merge.js';

const labels = { ours: 'your project', base: 'create-prod-api 0.1.0', theirs: 'create-prod-api 0.2.0' };

describe('mergeJson', () => {
  it("takes each side's change of a different key, in the project's key order, a new key after its predecessor", () => {
    const base = { name: 'shop', dependencies: { a: '1', c: '1' }, devDependencies: { 'create-prod-api': 'file:old' } };
    const ours = { name: 'my-shop', dependencies: { a: '1', c: '1', z: '9' }, devDependencies: { 'create-prod-api': 'file:old' } };
    const theirs = { name: 'shop', dependencies: { a: '2', b: '1', c: '1' }, devDependencies: { 'create-prod-api': 'file:new' } };
    const result = mergeJson(ours, base, theirs);
    expect(result.conflicts).toEqual([]);
    expect(JSON.stringify(result.value)).toBe(
      JSON.stringify({
        name: 'my-shop',
        dependencies: { a: '2', b: '1', c: '1', z: '9' },
        devDependencies: { 'create-prod-api': 'file:new' },
      }),
    );
  });

  it('a key the generator removed goes unless the project changed it; one the project removed stays removed', () => {
    expect(mergeJson({ a: 1, b: 1 }, { a: 1, b: 1 }, { a: 1 }).value).toEqual({ a: 1 });
    expect(mergeJson({ a: 1 }, { a: 1, b: 1 }, { a: 1, b: 2 }).conflicts).toEqual(['b']);
    expect(mergeJson({ a: 1 }, { a: 1, b: 1 }, { a: 1, b: 1, c: 1 }).value).toEqual({ a: 1, c: 1 });
    expect(mergeJson({ a: 1, b: 5 }, { a: 1, b: 1 }, { a: 1 }).conflicts).toEqual(['b']);
  });

  it('the same key changed differently is a conflict, named by its path', () => {
    expect(
      mergeJson({ scripts: { test: 'vitest' } }, { scripts: { test: 'vitest run' } }, { scripts: { test: 'vitest run --pool forks' } })
        .conflicts,
    ).toEqual(['scripts.test']);
    expect(mergeJson({ x: [1] }, { x: [1, 2] }, { x: [2] }).conflicts).toEqual(['x']);
    // the same change on both sides is no conflict
    expect(mergeJson({ x: 2 }, { x: 1 }, { x: 2 })).toEqual({ value: { x: 2 }, conflicts: [] });
  });
});

describe('mergeText', () => {
  it('merges far edits and marks the same lines changed on both sides with diff3 labels', async () => {
    const base = 'one\ntwo\nthree\nfour\nfive\nsix\n';
    const clean = await mergeText('ONE\ntwo\nthree\nfour\nfive\nsix\n', base, 'one\ntwo\nthree\nfour\nfive\nSIX\n', labels);
    expect(clean).toEqual({ content: 'ONE\ntwo\nthree\nfour\nfive\nSIX\n', conflicts: 0 });
    const conflict = await mergeText('one\nTWO\nthree\n', 'one\ntwo\nthree\n', 'one\n2\nthree\n', labels);
    expect(conflict.conflicts).toBe(1);
    expect(conflict.content).toBe(
      'one\n<<<<<<< your project\nTWO\n||||||| create-prod-api 0.1.0\ntwo\n=======\n2\n>>>>>>> create-prod-api 0.2.0\nthree\n',
    );
    expect(hasConflictMarkers(conflict.content, labels)).toBe(true);
    expect(hasConflictMarkers(clean.content, labels)).toBe(false);
  });
});

describe('planUpgrade', () => {
  const plan = (base: Record<string, string>, theirs: Record<string, string>, ours: Record<string, string>, restore: string[] = []) => {
    const input: PlanInput = {
      base: new Map(Object.entries(base)),
      theirs: new Map(Object.entries(theirs)),
      ours: async (relPath) => ours[relPath] ?? null,
      format: async (_relPath, texts) => [...texts],
      labels,
      restore: new Set(restore),
    };
    return planUpgrade(input);
  };
  const lines = (n: number, change: Record<number, string> = {}) =>
    Array.from({ length: n }, (_, i) => change[i] ?? `line ${i}`).join('\n') + '\n';

  it('untouched files take the new output; files nobody changed, and files the project already matches, are left alone', async () => {
    expect(await plan({ a: 'old', b: 'same', c: 'old' }, { a: 'new', b: 'same', c: 'new' }, { a: 'old', b: 'same', c: 'new' })).toEqual([
      { kind: 'updated', path: 'a', content: 'new' },
    ]);
  });

  it('a file the project deleted stays deleted (named when the generator changed it), unless restored', async () => {
    expect(await plan({ a: 'old', b: 'same' }, { a: 'new', b: 'same' }, {})).toEqual([{ kind: 'kept-deleted', path: 'a' }]);
    expect(await plan({ a: 'old' }, { a: 'new' }, {}, ['a'])).toEqual([{ kind: 'added', path: 'a', content: 'new' }]);
  });

  it('a file the generator dropped goes when unchanged, and is kept when the project changed it', async () => {
    expect(await plan({ a: 'x', b: 'y' }, {}, { a: 'x', b: 'mine' })).toEqual([
      { kind: 'removed', path: 'a' },
      { kind: 'kept-changed', path: 'b' },
    ]);
  });

  it("a moved file takes the project's edits to its new path", async () => {
    const base = { 'src/old.ts': lines(20) };
    const theirs = { 'src/new.ts': lines(20, { 19: 'generator' }) };
    const ours = { 'src/old.ts': lines(20, { 0: 'project' }) };
    expect(await plan(base, theirs, ours)).toEqual([
      { kind: 'moved', path: 'src/new.ts', from: 'src/old.ts', content: lines(20, { 0: 'project', 19: 'generator' }) },
    ]);
  });

  it('a new generated file where the project has one of its own: both kept, as a conflict without a base', async () => {
    const [action] = await plan({}, { 'src/x.ts': 'generated\n' }, { 'src/x.ts': 'mine\n' });
    expect(action).toMatchObject({ kind: 'conflict', path: 'src/x.ts', stages: { base: null, ours: 'mine\n', theirs: 'generated\n' } });
  });

  it('findMoves pairs a dropped path with the most alike new one of the same kind, at least half alike', () => {
    const base = new Map([
      ['a.ts', lines(10)],
      ['b.ts', 'nothing alike\n'],
    ]);
    const theirs = new Map([
      ['c.ts', lines(10, { 1: 'x', 2: 'y' })],
      ['d.md', lines(10)],
      ['e.ts', 'other\n'],
    ]);
    expect(findMoves(base, theirs)).toEqual(new Map([['a.ts', 'c.ts']]));
    expect(similarity('a\nb\nc\nd\n', 'a\nb\nx\ny\n')).toBe(0.5);
  });
});
