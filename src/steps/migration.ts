// The migration for a schema change, made by the project's own drizzle-kit
// (the same tool and version its `db:generate` script runs), so the SQL and
// snapshot are what the user would get by hand, except for the two values
// drizzle-kit draws at random or from the clock: the snapshot's id (derived
// from what came before) and the journal's `when` (the generator's clock), so
// the same commands at the same time make the same bytes (a replayed manifest
// log rebuilds the project).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../util/exec.js';
import { now } from '../util/clock.js';
import { interruptible } from '../util/interrupt.js';

export const MIGRATION_JOURNAL = 'drizzle/meta/_journal.json';
const JOURNAL = MIGRATION_JOURNAL;

export type MigrationResult = { kind: 'generated'; files: string[] } | { kind: 'not-installed'; command: string };

/** Runs `drizzle-kit generate --name <name>` if the project's dependencies are installed; else says the command. */
export async function generateMigration(root: string, name: string, runScript: string): Promise<MigrationResult> {
  const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'drizzle-kit.cmd' : 'drizzle-kit');
  // npm needs `--` before a script's own flags; pnpm, yarn and bun pass them on as they are
  if (!existsSync(bin))
    return { kind: 'not-installed', command: `${runScript} db:generate ${runScript === 'npm run' ? '-- ' : ''}--name ${name}` };

  const before = listMigrationFiles(root);
  const journalPath = path.join(root, JOURNAL);
  const journal = existsSync(journalPath) ? await readFile(journalPath, 'utf8') : null;
  try {
    // Ctrl-C stops drizzle-kit too; the caller then puts the project back
    await interruptible((signal) => run(bin, ['generate', '--name', name], { cwd: root, signal }));
    await settleMigration(
      root,
      listMigrationFiles(root).filter((file) => !before.includes(file)),
    );
  } catch (error) {
    // leave drizzle/ as it was: no half-made migration beside the reverted files
    for (const file of listMigrationFiles(root).filter((file) => !before.includes(file))) await rm(path.join(root, file), { force: true });
    if (journal !== null) await writeFile(journalPath, journal);
    throw error;
  }
  return { kind: 'generated', files: listMigrationFiles(root).filter((file) => !before.includes(file)) };
}

/**
 * The new snapshot's id becomes a hash of its predecessor's id and its own SQL (drizzle-kit draws it at random), and
 * the journal's `when` the generator's clock (util/clock.ts: the time now, or the one a replayed log gives), kept
 * after the migration before it: the migrators apply only what is newer than the last applied.
 */
export async function settleMigration(root: string, files: readonly string[]): Promise<void> {
  const snapshotPath = files.find((file) => /^drizzle\/meta\/\d+_snapshot\.json$/.test(file));
  const sqlPath = files.find((file) => file.endsWith('.sql'));
  if (!snapshotPath || !sqlPath) return;
  const snapshotText = await readFile(path.join(root, snapshotPath), 'utf8');
  const snapshot = JSON.parse(snapshotText) as { id: string; prevId: string };
  const digest = createHash('sha256')
    .update(`${snapshot.prevId}\n${await readFile(path.join(root, sqlPath), 'utf8')}`)
    .digest('hex');
  // shaped as a version 4 UUID, as drizzle-kit's own are
  const id = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-4${digest.slice(13, 16)}-${((parseInt(digest[16]!, 16) & 3) | 8).toString(16)}${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
  await writeFile(path.join(root, snapshotPath), snapshotText.replace(`"id": "${snapshot.id}"`, `"id": "${id}"`));

  const journalPath = path.join(root, JOURNAL);
  const journalText = await readFile(journalPath, 'utf8');
  const journal = JSON.parse(journalText) as { entries: { when: number }[] };
  const [previous, newest] = [journal.entries.at(-2), journal.entries.at(-1)];
  if (!newest) return;
  const at = journalText.lastIndexOf(`"when": ${newest.when}`);
  if (at === -1) return;
  const when = Math.max(now().getTime(), (previous?.when ?? 0) + 1);
  await writeFile(journalPath, `${journalText.slice(0, at)}"when": ${when}${journalText.slice(at + `"when": ${newest.when}`.length)}`);
}

function listMigrationFiles(root: string): string[] {
  const dir = path.join(root, 'drizzle');
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).map((file) => `drizzle/${file.replaceAll('\\', '/')}`);
}
