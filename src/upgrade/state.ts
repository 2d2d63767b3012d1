// An upgrade that stopped on conflicts, kept in the git directory (never committed
// by accident) until `upgrade --continue` or `--abort`: which files it changed or
// made, which conflict, and the manifest to write once they are resolved.
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../project/manifest.js';
import { gitDir } from './git.js';
import type { FileAction } from './plan.js';
import type { MergeLabels } from './text-merge.js';

export interface UpgradeState {
  readonly from: string;
  readonly to: string;
  readonly labels: MergeLabels;
  readonly conflicts: readonly string[];
  /** paths HEAD has that the upgrade changed or deleted: --abort checks them out again */
  readonly touched: readonly string[];
  /** paths the upgrade made: --abort deletes them */
  readonly added: readonly string[];
  readonly newSettings: readonly string[];
  /** the report lines of the releases' upgrade steps that changed something */
  readonly steps: readonly string[];
  /** what happened to each file, for the report --continue prints */
  readonly actions: readonly Pick<FileAction, 'kind' | 'path'>[];
  readonly manifest: Manifest;
  /** whether the merge touched a file drizzle-kit reads the schema from: only then is a migration made */
  readonly schemaChanged: boolean;
}

const STATE_FILE = 'create-prod-api-upgrade.json';

const stateFile = async (root: string) => path.join(await gitDir(root), STATE_FILE);

export async function readState(root: string): Promise<UpgradeState | undefined> {
  const file = await stateFile(root).catch(() => undefined); // not a repository: no upgrade can be under way
  if (file === undefined) return undefined;
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as UpgradeState) : undefined;
}

export async function writeState(root: string, state: UpgradeState): Promise<void> {
  await writeFile(await stateFile(root), `${JSON.stringify(state, null, 2)}\n`);
}

export async function clearState(root: string): Promise<void> {
  await rm(await stateFile(root), { force: true });
}
