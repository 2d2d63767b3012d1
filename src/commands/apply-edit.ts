// The second half of add-resource and add-version: a planned ChangeSet is
// formatted, then printed as a diff (--dry-run) or applied; a migration, when
// the schema changed, is made after; any failure puts every file back.
import path from 'node:path';
import { applyChanges, unifiedDiff, type ChangeSet } from '../edit/changes.js';
import type { Formatter } from '../edit/formatter.js';
import { CancelledError, StepFailedError } from '../errors.js';
import { recordCommand, type LogEntry } from '../project/manifest.js';
import { generateMigration, MIGRATION_JOURNAL } from '../steps/migration.js';
import type { Ui } from '../ui.js';
import { CommandError, tail } from '../util/exec.js';
import { runScriptCommand, type PackageManager } from '../util/package-manager.js';
import { plural } from '../util/text.js';

export interface EditRun {
  readonly ui: Ui;
  readonly root: string;
  readonly changes: ChangeSet;
  /** Prettier, already loading in its worker */
  readonly formatter: Formatter;
  readonly dryRun: boolean;
  readonly packageManager: string;
  /** the drizzle-kit migration name, when the change adds tables */
  readonly migration?: string;
  /** where the change is served (`/api/v2/categories`), for the closing line */
  readonly serves?: string;
  /** the command as the manifest's log keeps it (its defaults resolved), so running the log again remakes the project */
  readonly record: LogEntry;
}

export async function applyEdit(edit: EditRun): Promise<void> {
  const { ui, root } = edit;
  const changes = await edit.formatter.format(edit.changes.list());
  const runScript = runScriptCommand(edit.packageManager as PackageManager);
  if (changes.length === 0) {
    ui.info('Nothing to change: everything asked for is there already.');
    return;
  }

  if (edit.dryRun) {
    edit.ui.output.write(await unifiedDiff(changes));
    const then = edit.migration ? ` Then it would run drizzle-kit generate --name ${edit.migration}.` : '';
    ui.info(`Dry run: ${plural(changes.length, 'file')} would change.${then} Nothing was written.`);
    return;
  }

  const revert = await applyChanges(root, changes);
  const created = changes.filter((change) => change.before === null).map((change) => change.path);
  const changed = changes.filter((change) => change.before !== null).map((change) => change.path);

  let migrationNote: string | undefined;
  const migrationFiles: string[] = [];
  if (edit.migration) {
    const spinner = ui.spinner();
    spinner.start('Generating the migration with drizzle-kit');
    try {
      const result = await generateMigration(root, edit.migration, runScript);
      if (result.kind === 'generated') {
        migrationFiles.push(...result.files, ...(result.files.length > 0 ? [MIGRATION_JOURNAL] : []));
        spinner.stop(`Migration: ${result.files.filter((file) => file.endsWith('.sql')).join(', ') || 'no schema change'}`);
      } else {
        spinner.stop('Migration not generated: the dependencies are not installed');
        migrationNote = `Install the dependencies, then make the migration:\n  ${result.command}`;
      }
    } catch (error) {
      await revert();
      if (error instanceof CommandError && error.reason === 'cancelled') {
        spinner.error('Cancelled');
        throw new CancelledError('Cancelled: every file was put back as it was.');
      }
      spinner.error('drizzle-kit generate failed');
      const output = error instanceof CommandError ? `\n${tail(error.output)}` : '';
      throw new StepFailedError(
        `drizzle-kit could not generate the migration (${error instanceof Error ? error.message : String(error)}); every file was put back as it was.${output}`,
        { cause: error },
      );
    }
  }

  await recordCommand(root, edit.record, [...created, ...changed, ...migrationFiles]);
  if (created.length > 0) ui.success(`Created ${plural(created.length, 'file')}:\n${created.join('\n')}`);
  if (changed.length > 0) ui.success(`Changed ${plural(changed.length, 'file')}:\n${changed.join('\n')}`);
  if (migrationNote) ui.warn(migrationNote);
  const where = path.resolve(root) === path.resolve(process.cwd()) ? '' : ` (in ${root})`;
  // a running `npm run dev` restarts on the change, applies the migration and serves the new routes
  const served = edit.serves ? ` at ${edit.serves}` : '';
  const applied = edit.migration ? 'has applied the migration and ' : '';
  ui.info(`Next: ${runScript} test${where}${migrationNote ? '' : `; a running ${runScript} dev ${applied}serves it already${served}`}.`);
}
