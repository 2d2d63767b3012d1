// What an upgrade does to each file, decided before anything is written, from
// three trees: base (the old generator's output for the project's log), theirs
// (the new generator's output for the same log) and ours (the project as it is).
// A file the project never changed takes the new output; one both changed is
// merged; a file the project deleted stays deleted; one the generator moved
// carries the project's edits to its new place.
import path from 'node:path';
import { jsonText, mergeJson, parseSides } from './json-merge.js';
import { mergeText, type MergeLabels } from './text-merge.js';

export type Tree = ReadonlyMap<string, string>;

export type FileAction =
  /** the project had it as the old generator wrote it: the new output replaces it */
  | { readonly kind: 'updated'; readonly path: string; readonly content: string }
  /** new in the new generator's output */
  | { readonly kind: 'added'; readonly path: string; readonly content: string }
  /** both changed it; the changes merged cleanly */
  | { readonly kind: 'merged'; readonly path: string; readonly content: string }
  /** both changed the same lines: markers in the file, the three sides in git's index */
  | { readonly kind: 'conflict'; readonly path: string; readonly content: string; readonly stages: ConflictStages }
  /** the new generator no longer writes it and the project never changed it */
  | { readonly kind: 'removed'; readonly path: string }
  /** the project deleted it; the new generator changed it (--restore brings it back) */
  | { readonly kind: 'kept-deleted'; readonly path: string }
  /** the new generator no longer writes it, but the project changed it: kept as it is */
  | { readonly kind: 'kept-changed'; readonly path: string }
  /** the new generator writes it at another path: it moves there, with the project's edits */
  | { readonly kind: 'moved'; readonly path: string; readonly from: string; readonly content: string; readonly stages?: ConflictStages };

export interface ConflictStages {
  readonly base: string | null;
  readonly ours: string;
  readonly theirs: string;
}

export interface PlanInput {
  readonly base: Tree;
  readonly theirs: Tree;
  /** the project's file at a path, or null when it has none */
  readonly ours: (relPath: string) => Promise<string | null>;
  /**
   * The project's Prettier applied to each text, when the file is one it formats and the generator's own output
   * (`reference`) is laid out by it; else the texts as they are.
   */
  readonly format: (relPath: string, texts: readonly string[], reference: string | null) => Promise<string[]>;
  readonly labels: MergeLabels;
  /** paths the project deleted that it wants back (--restore) */
  readonly restore: ReadonlySet<string>;
}

/** The actions, by path; a path with nothing to do has none. */
export async function planUpgrade(input: PlanInput): Promise<FileAction[]> {
  const { base, theirs } = input;
  const moves = findMoves(base, theirs);
  const movedTo = new Set(moves.values());
  const actions: FileAction[] = [];
  const paths = [...new Set([...base.keys(), ...theirs.keys()])].sort();
  for (const relPath of paths) {
    const [b, t] = [base.get(relPath), theirs.get(relPath)];
    const o = await input.ours(relPath);
    let action: FileAction | undefined;
    if (b === undefined) {
      // new upstream; a move's target is handled with its source
      if (!movedTo.has(relPath)) action = await added(input, relPath, o, t!);
    } else if (t === undefined) {
      const to = moves.get(relPath);
      action = to ? await moved(input, relPath, to, o, b, theirs.get(to)!) : removed(relPath, o, b);
    } else {
      action = await changed(input, relPath, o, b, t);
    }
    if (action) actions.push(action);
  }
  return actions;
}

async function added(input: PlanInput, relPath: string, o: string | null, t: string): Promise<FileAction | undefined> {
  if (o === null) return { kind: 'added', path: relPath, content: t };
  if (o === t) return undefined;
  // the project made a file of its own where the generator now writes one: both are kept in a conflict
  return merge(input, relPath, o, null, t);
}

function removed(relPath: string, o: string | null, b: string): FileAction | undefined {
  if (o === null) return undefined;
  return o === b ? { kind: 'removed', path: relPath } : { kind: 'kept-changed', path: relPath };
}

async function changed(input: PlanInput, relPath: string, o: string | null, b: string, t: string): Promise<FileAction | undefined> {
  if (o === null) {
    if (input.restore.has(relPath)) return { kind: 'added', path: relPath, content: t };
    return b === t ? undefined : { kind: 'kept-deleted', path: relPath };
  }
  if (b === t || o === t) return undefined;
  if (o === b) return { kind: 'updated', path: relPath, content: t };
  return merge(input, relPath, o, b, t);
}

async function moved(input: PlanInput, from: string, to: string, o: string | null, b: string, t: string): Promise<FileAction | undefined> {
  if (o === null) return input.restore.has(from) ? { kind: 'added', path: to, content: t } : undefined;
  if (o === b) return { kind: 'moved', path: to, from, content: t };
  const result = await merge(input, to, o, b, t);
  return result.kind === 'conflict'
    ? { kind: 'moved', path: to, from, content: result.content, stages: result.stages }
    : { kind: 'moved', path: to, from, content: result.kind === 'merged' ? result.content : t };
}

/** Both sides changed it: JSON key by key where it can be, else lines (git merge-file), each side Prettier-formatted first. */
async function merge(input: PlanInput, relPath: string, o: string, b: string | null, t: string): Promise<FileAction> {
  const [ours, theirs, base = null] = await input.format(relPath, b === null ? [o, t] : [o, t, b], t);
  if (relPath.endsWith('.json') && base !== null) {
    const sides = parseSides(ours!, base, theirs!);
    const result = sides && mergeJson(...sides);
    if (result && result.conflicts.length === 0) {
      const [content] = await input.format(relPath, [jsonText(result.value)], t);
      return { kind: 'merged', path: relPath, content: content! };
    }
  }
  const result = await mergeText(ours!, base ?? '', theirs!, input.labels);
  if (result.conflicts === 0) return { kind: 'merged', path: relPath, content: result.content };
  return { kind: 'conflict', path: relPath, content: result.content, stages: { base, ours: ours!, theirs: theirs! } };
}

/**
 * Files the new generator writes under another name: each path only the old output has, paired with the path only
 * the new one has whose content is most alike (at least half its lines, the same extension), as git finds renames.
 */
export function findMoves(base: Tree, theirs: Tree): Map<string, string> {
  const gone = [...base.keys()].filter((file) => !theirs.has(file));
  const fresh = [...theirs.keys()].filter((file) => !base.has(file));
  const candidates: { from: string; to: string; score: number }[] = [];
  for (const from of gone) {
    for (const to of fresh) {
      if (path.extname(from) !== path.extname(to)) continue;
      const score = similarity(base.get(from)!, theirs.get(to)!);
      if (score >= 0.5) candidates.push({ from, to, score });
    }
  }
  const moves = new Map<string, string>();
  const taken = new Set<string>();
  for (const { from, to } of candidates.sort((a, b) => b.score - a.score)) {
    if (moves.has(from) || taken.has(to)) continue;
    moves.set(from, to);
    taken.add(to);
  }
  return moves;
}

/** The share of non-blank lines two texts have in common (as multisets), over the longer one. */
export function similarity(a: string, b: string): number {
  const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
  const [linesA, linesB] = [lines(a), lines(b)];
  if (linesA.length === 0 || linesB.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const line of linesA) counts.set(line, (counts.get(line) ?? 0) + 1);
  let common = 0;
  for (const line of linesB) {
    const left = counts.get(line) ?? 0;
    if (left > 0) {
      common++;
      counts.set(line, left - 1);
    }
  }
  return common / Math.max(linesA.length, linesB.length);
}
