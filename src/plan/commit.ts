// The one place the project reaches the disk. Everything before this is a
// plan in memory, so a refusal or Ctrl-C earlier leaves nothing behind.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StepFailedError, UsageError } from '../errors.js';
import type { FileTree } from './tree.js';

export interface TargetState {
  readonly exists: boolean;
  /** Entries that count: a lone `.git` (a freshly cloned empty repo) does not. */
  readonly entries: readonly string[];
}

export function inspectTarget(targetDir: string): TargetState {
  if (!existsSync(targetDir)) return { exists: false, entries: [] };
  if (!statSync(targetDir).isDirectory()) throw new UsageError(`${targetDir} exists and is not a directory.`);
  return { exists: true, entries: readdirSync(targetDir).filter((entry) => entry !== '.git') };
}

/** Refuses a non-empty target unless --force. Cheap enough to call before prompting and again at commit. */
export function assertTargetUsable(targetDir: string, force: boolean): TargetState {
  const state = inspectTarget(targetDir);
  if (state.entries.length > 0 && !force) {
    throw new UsageError(
      `Directory ${targetDir} is not empty; use --force to write into it (existing files are kept, same-named ones overwritten).`,
    );
  }
  return state;
}

/** Tree paths that already exist on disk and would be overwritten. */
export function findOverwrites(tree: FileTree, targetDir: string): string[] {
  return tree.paths().filter((p) => existsSync(path.join(targetDir, p)));
}

export interface CommitOptions {
  readonly force: boolean;
  /** Called with the files about to be overwritten (possibly none), before the first write. */
  readonly beforeWrite?: (overwrites: readonly string[]) => void;
}

export interface CommitResult {
  readonly written: readonly string[];
  readonly overwritten: readonly string[];
}

export async function commitTree(tree: FileTree, targetDir: string, options: CommitOptions): Promise<CommitResult> {
  const state = assertTargetUsable(targetDir, options.force);
  const overwritten = findOverwrites(tree, targetDir);
  options.beforeWrite?.(overwritten);

  // What to remove if a write fails: everything we add to a new or empty
  // directory. In a non-empty directory (--force) we never delete anything.
  const rollbackable = state.entries.length === 0;
  const createdTopLevel = new Set(
    tree
      .paths()
      .map((p) => p.split('/')[0]!)
      .filter((top) => !existsSync(path.join(targetDir, top))),
  );

  const written: string[] = [];
  try {
    await mkdir(targetDir, { recursive: true });
    for (const [relPath, file] of tree.entries()) {
      const absPath = path.join(targetDir, relPath);
      await mkdir(path.dirname(absPath), { recursive: true });
      await writeFile(absPath, file.content, file.mode === undefined ? {} : { mode: file.mode });
      // writeFile's mode only applies to new files; an overwritten one keeps its old bits.
      if (file.mode !== undefined) await chmod(absPath, file.mode);
      written.push(relPath);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (rollbackable) {
      if (!state.exists) await rm(targetDir, { recursive: true, force: true });
      else for (const top of createdTopLevel) await rm(path.join(targetDir, top), { recursive: true, force: true });
      throw new StepFailedError(`Could not write the project into ${targetDir}: ${reason}\nNothing was left behind.`, { cause: error });
    }
    throw new StepFailedError(
      `Could not write the project into ${targetDir}: ${reason}\n` +
        `Written before the failure (${written.length}): ${written.join(', ') || 'none'}. Nothing was deleted.`,
      { cause: error },
    );
  }
  return { written, overwritten };
}
