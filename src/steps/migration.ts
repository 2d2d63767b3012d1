// The migration for a schema change, made by the project's own drizzle-kit
// (the same tool and version its `db:generate` script runs), so the SQL and
// snapshot are exactly what the user would get by hand.
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../util/exec.js';
import { interruptible } from '../util/interrupt.js';

const JOURNAL = 'drizzle/meta/_journal.json';

export type MigrationResult = { kind: 'generated'; files: string[] } | { kind: 'not-installed'; command: string };

/** Runs `drizzle-kit generate --name <name>` if the project's dependencies are installed; else says the command. */
export async function generateMigration(root: string, name: string, runScript: string): Promise<MigrationResult> {
  const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'drizzle-kit.cmd' : 'drizzle-kit');
  // npm needs `--` before a script's own flags; pnpm, yarn and bun pass them on as they are
  if (!existsSync(bin)) return { kind: 'not-installed', command: `${runScript} db:generate ${runScript === 'npm run' ? '-- ' : ''}--name ${name}` };

  const before = listMigrationFiles(root);
  const journalPath = path.join(root, JOURNAL);
  const journal = existsSync(journalPath) ? await readFile(journalPath, 'utf8') : null;
  try {
    // Ctrl-C stops drizzle-kit too; the caller then puts the project back
    await interruptible((signal) => run(bin, ['generate', '--name', name], { cwd: root, signal }));
  } catch (error) {
    // leave drizzle/ as it was: no half-made migration beside the reverted files
    for (const file of listMigrationFiles(root).filter((file) => !before.includes(file))) await rm(path.join(root, file), { force: true });
    if (journal !== null) await writeFile(journalPath, journal);
    throw error;
  }
  return { kind: 'generated', files: listMigrationFiles(root).filter((file) => !before.includes(file)) };
}

function listMigrationFiles(root: string): string[] {
  const dir = path.join(root, 'drizzle');
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).map((file) => `drizzle/${file.replaceAll('\\', '/')}`);
}
