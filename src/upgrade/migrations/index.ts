// What a merge cannot do for a release: a setting renamed in the owner's .env.example
// and code, an import moved in files the generator never wrote. Each release that
// needs one adds a module here (`<version>.ts`, with input/output fixtures in
// fixtures/upgrade-steps/<version>/) and lists it below; an upgrade runs, after
// its merge, every step of the releases after the project's version up to its
// own, oldest first. No release has needed one yet.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';

/** The project as a step sees it: its files as they are after the merge. */
export interface ProjectFiles {
  read(relPath: string): Promise<string | null>;
  /** every file below a folder (not node_modules, .git or dist) */
  list(folder?: string): Promise<string[]>;
}

export interface UpgradeStep {
  /** the release that needs it */
  readonly version: string;
  /** one line for the report: what it changed, and why a merge could not */
  readonly description: string;
  /** the files it changes, by path, with their new content */
  run(project: ProjectFiles): Promise<ReadonlyMap<string, string>>;
}

export const STEPS: readonly UpgradeStep[] = [];

/** The steps an upgrade from `from` to `to` runs, oldest release first. */
export function stepsBetween(from: string, to: string, steps: readonly UpgradeStep[] = STEPS): UpgradeStep[] {
  return steps
    .filter((step) => semver.gt(step.version, from) && semver.lte(step.version, to))
    .sort((a, b) => semver.compare(a.version, b.version));
}

const SKIPPED = new Set(['node_modules', '.git', 'dist']);

export function projectFiles(root: string, changed: Map<string, string> = new Map()): ProjectFiles {
  return {
    read: async (relPath) =>
      changed.get(relPath) ?? (existsSync(path.join(root, relPath)) ? readFile(path.join(root, relPath), 'utf8') : null),
    list: async (folder = '') => {
      const entries = await readdir(path.join(root, folder), { recursive: true, withFileTypes: true }).catch(() => []);
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
        .filter((relPath) => !SKIPPED.has(relPath.split('/')[0]!))
        .sort();
    },
  };
}

/**
 * Runs the steps in order, each seeing what the ones before it changed; nothing is written here. The changes, by
 * path, and a line per step that changed something.
 */
export async function runSteps(root: string, steps: readonly UpgradeStep[]): Promise<{ changes: Map<string, string>; lines: string[] }> {
  const changes = new Map<string, string>();
  const lines: string[] = [];
  for (const step of steps) {
    const changed = await step.run(projectFiles(root, changes));
    for (const [relPath, content] of changed) changes.set(relPath, content);
    if (changed.size > 0) lines.push(`${step.version}: ${step.description} (${[...changed.keys()].join(', ')})`);
  }
  return { changes, lines };
}
