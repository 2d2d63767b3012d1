// A 3-way line merge, as git does it (`git merge-file --diff3`): what the
// project changed since the old generator's output and what the new generator
// changed, together; where both changed the same lines, diff3 markers labelled
// with who wrote each side.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface MergeLabels {
  readonly ours: string;
  readonly base: string;
  readonly theirs: string;
}

export interface TextMerge {
  readonly content: string;
  readonly conflicts: number;
}

export async function mergeText(ours: string, base: string, theirs: string, labels: MergeLabels): Promise<TextMerge> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cpa-merge-'));
  try {
    const [oursFile, baseFile, theirsFile] = ['ours', 'base', 'theirs'].map((name) => path.join(dir, name)) as [string, string, string];
    await Promise.all([writeFile(oursFile, ours), writeFile(baseFile, base), writeFile(theirsFile, theirs)]);
    const args = ['merge-file', '-p', '--diff3', '-L', labels.ours, '-L', labels.base, '-L', labels.theirs, oursFile, baseFile, theirsFile];
    return await new Promise<TextMerge>((resolve, reject) => {
      execFile('git', args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
        // merge-file exits with the number of conflicts (capped at 127); a negative or signal exit is a real failure
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (code < 0 || code > 127) reject(error);
        else resolve({ content: stdout, conflicts: code });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Lines that start or end a conflict block as mergeText writes them: while one remains, a file is unresolved. */
export function hasConflictMarkers(content: string, labels: MergeLabels): boolean {
  return content
    .split('\n')
    .some((line) => line === `<<<<<<< ${labels.ours}` || line === `>>>>>>> ${labels.theirs}` || line === `||||||| ${labels.base}`);
}
