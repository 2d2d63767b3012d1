// What an upgrade asks of the project's git: is the tree clean, and the three
// sides of a conflict written into the index as stages 1-3, so that `git status`,
// `git diff` and merge tools see it as they see a conflict of their own.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

async function git(root: string, args: readonly string[], input?: string): Promise<string> {
  if (input === undefined) {
    const { stdout } = await execFileAsync('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  }
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin!.end(input);
  });
}

/** Whether `root` is the top of a git work tree (the project's own repository, not one it sits inside of). */
export async function isRepositoryRoot(root: string): Promise<boolean> {
  if (!existsSync(path.join(root, '.git'))) return false;
  try {
    return (await git(root, ['rev-parse', '--is-inside-work-tree'])).trim() === 'true';
  } catch {
    return false;
  }
}

/** Whether HEAD names a commit (a repository with no commit yet has nothing to go back to). */
export async function hasCommit(root: string): Promise<boolean> {
  try {
    await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD']);
    return true;
  } catch {
    return false;
  }
}

/** `git status --porcelain`: changed, staged, untracked (not ignored) and unmerged paths. */
export async function statusLines(root: string): Promise<string[]> {
  return (await git(root, ['status', '--porcelain', '--untracked-files=all'])).split('\n').filter(Boolean);
}

/** Paths git holds with conflict stages. */
export async function unmergedPaths(root: string): Promise<string[]> {
  const lines = (await git(root, ['ls-files', '--unmerged', '-z'])).split('\0').filter(Boolean);
  return [...new Set(lines.map((line) => line.slice(line.indexOf('\t') + 1)))];
}

/** The git directory (`.git`, or what a worktree's `.git` file points at). */
export async function gitDir(root: string): Promise<string> {
  return path.resolve(root, (await git(root, ['rev-parse', '--git-dir'])).trim());
}

async function writeBlob(root: string, content: string): Promise<string> {
  return (await git(root, ['hash-object', '-w', '--stdin'], content)).trim();
}

export interface Stages {
  readonly base: string | null;
  readonly ours: string | null;
  readonly theirs: string | null;
}

/** Puts a conflicted path into the index as git's merge would: stage 1 the base, 2 ours, 3 theirs (a missing side has none). */
export async function writeConflictStages(root: string, relPath: string, stages: Stages, mode = '100644'): Promise<void> {
  const lines = [`0 ${'0'.repeat(40)}\t${relPath}`];
  for (const [stage, content] of [
    [1, stages.base],
    [2, stages.ours],
    [3, stages.theirs],
  ] as const) {
    if (content !== null) lines.push(`${mode} ${await writeBlob(root, content)} ${stage}\t${relPath}`);
  }
  await git(root, ['update-index', '--index-info'], `${lines.join('\n')}\n`);
}

/** Marks paths resolved: their working-tree content becomes the index's one stage (`git add`). */
export async function markResolved(root: string, relPaths: readonly string[]): Promise<void> {
  if (relPaths.length > 0) await git(root, ['add', '--', ...relPaths]);
}

/** Puts paths back as HEAD has them, in the index and the working tree. */
export async function restoreFromHead(root: string, relPaths: readonly string[]): Promise<void> {
  if (relPaths.length === 0) return;
  // an unmerged path must lose its stages first, or checkout refuses it
  await git(root, ['reset', '-q', 'HEAD', '--', ...relPaths]);
  await git(root, ['checkout', 'HEAD', '--', ...relPaths]);
}

/** Takes paths that HEAD does not have out of the index (their files are deleted by the caller). */
export async function forget(root: string, relPaths: readonly string[]): Promise<void> {
  if (relPaths.length > 0) await git(root, ['rm', '-q', '--cached', '--ignore-unmatch', '--', ...relPaths]);
}

/** The values `pick` finds in each committed version of a file, newest first, each once. */
export async function historicValues(root: string, relPath: string, pick: (content: string) => string | undefined): Promise<string[]> {
  const commits = (await git(root, ['log', '--format=%H', '--', relPath]).catch(() => '')).split('\n').filter(Boolean);
  const values = new Set<string>();
  for (const commit of commits) {
    const value = pick(await git(root, ['show', `${commit}:${relPath}`]).catch(() => ''));
    if (value !== undefined) values.add(value);
  }
  return [...values];
}
