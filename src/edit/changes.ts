// The edit of an existing project as data: every file it creates or changes,
// with its content before and after. Planned in memory, printed as a unified
// diff by --dry-run, applied as a whole, and undone as a whole on failure.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StepFailedError, UsageError } from '../errors.js';

export interface FileChange {
  /** posix, relative to the project */
  readonly path: string;
  /** null: the file is new */
  readonly before: string | null;
  readonly after: string;
}

export class ChangeSet {
  readonly #changes = new Map<string, FileChange>();

  constructor(readonly root: string) {}

  /** The file as this change set leaves it so far: planned content, else the disk's, else null. */
  async current(relPath: string): Promise<string | null> {
    const planned = this.#changes.get(relPath);
    if (planned) return planned.after;
    const absPath = path.join(this.root, relPath);
    return existsSync(absPath) ? readFile(absPath, 'utf8') : null;
  }

  /** A new file; one already on disk is never overwritten. */
  create(relPath: string, content: string): void {
    if (this.#changes.has(relPath) || existsSync(path.join(this.root, relPath))) {
      throw new UsageError(`${relPath} exists already; create-prod-api does not overwrite it. Move it away or choose another name.`);
    }
    this.#changes.set(relPath, { path: relPath, before: null, after: content });
  }

  /** A changed file: `before` is what it held when the command read it. */
  update(relPath: string, before: string, after: string): void {
    // a file this change set creates stays a new file, however often it is edited after
    const planned = this.#changes.get(relPath);
    const original = planned ? planned.before : before;
    // the syntax-tree edits write \n; a file with CRLF line endings keeps them on every line
    const lines = original?.includes('\r\n') ? after.replace(/\r?\n/g, '\r\n') : after;
    this.#changes.set(relPath, { path: relPath, before: original, after: lines });
  }

  /** Every real change, in path order: a file edited back to what it was is not one. */
  list(): FileChange[] {
    return [...this.#changes.values()].filter((change) => change.before !== change.after).sort((a, b) => (a.path < b.path ? -1 : 1));
  }
}

/** `--dry-run`: one unified diff over every file (`diff` is loaded only for it). */
export async function unifiedDiff(changes: FileChange[]): Promise<string> {
  const { createTwoFilesPatch } = await import('diff');
  return changes
    .map((change) =>
      createTwoFilesPatch(
        change.before === null ? '/dev/null' : `a/${change.path}`,
        `b/${change.path}`,
        change.before ?? '',
        change.after,
        '',
        '',
        {
          context: 3,
        },
      )
        .split('\n')
        .slice(1) // the "=====" line createTwoFilesPatch starts with
        .join('\n'),
    )
    .join('');
}

/** Puts every file back as it was: new ones removed (with folders they alone needed), changed ones restored. */
export type Revert = () => Promise<void>;

export async function applyChanges(root: string, changes: FileChange[]): Promise<Revert> {
  const createdDirs: string[] = [];
  const done: FileChange[] = [];
  const revert: Revert = async () => {
    for (const change of done.reverse()) {
      const absPath = path.join(root, change.path);
      if (change.before === null) await rm(absPath, { force: true });
      else await writeFile(absPath, change.before);
    }
    for (const dir of createdDirs.reverse()) await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const change of changes) {
      const absPath = path.join(root, change.path);
      const dir = path.dirname(absPath);
      if (!existsSync(dir)) {
        createdDirs.push(firstMissing(root, dir));
        await mkdir(dir, { recursive: true });
      }
      done.push(change);
      await writeFile(absPath, change.after);
    }
  } catch (error) {
    await revert();
    const reason = error instanceof Error ? error.message : String(error);
    throw new StepFailedError(`Could not write the change: ${reason}\nEvery file was put back as it was.`, { cause: error });
  }
  return revert;
}

/** The outermost folder of `dir` that does not exist yet: removing it removes all we created. */
function firstMissing(root: string, dir: string): string {
  let missing = dir;
  for (let parent = path.dirname(dir); parent.startsWith(root) && !existsSync(parent); parent = path.dirname(parent)) missing = parent;
  return missing;
}
