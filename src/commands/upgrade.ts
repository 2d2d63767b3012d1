// `create-prod-api upgrade`: brings a project made by an earlier version of the
// generator every change of this one, keeping its owner's edits. The project's
// log is replayed by the version that made it (the base) and by this one
// (theirs); their difference is merged into the project file by file. Nothing is
// written before every file's outcome is known; a failure while writing puts
// the tree back. Conflicts stop it with exit 3 until `--continue` or `--abort`.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import semver from 'semver';
import { CancelledError, ConflictsError, StepFailedError, UsageError } from '../errors.js';
import { MANIFEST_FILE, manifestJson, readManifest, sha256, type LogEntry, type Manifest } from '../project/manifest.js';
import { generateMigration, type MigrationResult } from '../steps/migration.js';
import { createUi, type Ui } from '../ui.js';
import { now } from '../util/clock.js';
import { interruptible } from '../util/interrupt.js';
import { generatorRoot, generatorSpec, generatorVersion } from '../util/package-info.js';
import { runScriptCommand } from '../util/package-manager.js';
import { plural } from '../util/text.js';
import * as git from '../upgrade/git.js';
import { planUpgrade, type FileAction } from '../upgrade/plan.js';
import { runSteps, stepsBetween, type UpgradeStep } from '../upgrade/migrations/index.js';
import { generatorFor } from '../upgrade/releases.js';
import { replayLog, type Replay } from '../upgrade/replay.js';
import { reportLines, settingsOf } from '../upgrade/report.js';
import { clearState, readState, writeState, type UpgradeState } from '../upgrade/state.js';
import { hasConflictMarkers, type MergeLabels } from '../upgrade/text-merge.js';

export interface UpgradeFlags {
  check?: boolean;
  dryRun?: boolean;
  continue?: boolean;
  abort?: boolean;
  restore?: string[];
}

/** Files an upgrade never merges: the migrations (append-only: a schema change becomes a new one), the manifest (written whole), .env. */
const isMigration = (relPath: string) => relPath.startsWith('drizzle/');

export async function runUpgrade(root: string, flags: UpgradeFlags, output?: Writable): Promise<void> {
  const modes = (['check', 'continue', 'abort', 'dryRun'] as const).filter((mode) => flags[mode]);
  if (modes.length > 1) throw new UsageError(`--${modes.map(kebab).join(' and --')} cannot be used together; use one.`);
  if (flags.restore?.length && (flags.check || flags.continue || flags.abort))
    throw new UsageError('--restore goes with an upgrade itself (or --dry-run), not with --check, --continue or --abort.');
  const ui = createUi(output);
  const { manifest } = readManifest(root);
  if (flags.check) return check(root, manifest);
  if (flags.continue) return continueUpgrade(root, ui);
  if (flags.abort) return abortUpgrade(root, ui);
  return upgrade(root, manifest, flags, ui);
}

/**
 * How this generator is run in the project, for the commands a message names: `npx create-prod-api` when it is the
 * project's own installed copy, else its bin by path (a clone: the package is not on the registry).
 */
function self(root: string): string {
  const own = generatorRoot();
  if (own.startsWith(path.join(root, 'node_modules') + path.sep)) return 'npx create-prod-api';
  return `node ${path.relative(root, path.join(own, 'bin', 'create-prod-api.js'))}`;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const labelsFor = (from: string, to: string): MergeLabels => ({
  ours: 'your project',
  base: `create-prod-api ${from}`,
  theirs: `create-prod-api ${to}`,
});

async function check(root: string, manifest: Manifest): Promise<void> {
  const [made, installed] = [manifest.generatorVersion, generatorVersion()];
  if (await git.isRepositoryRoot(root)) {
    const state = await readState(root);
    if (state)
      throw new StepFailedError(
        `An upgrade from create-prod-api ${state.from} to ${state.to} is not finished: resolve its conflicts and run \`${self(root)} upgrade --continue\`.`,
      );
  }
  if (made === installed) {
    console.log(`The project is up to date with the installed create-prod-api ${installed}.`);
    return;
  }
  throw new StepFailedError(
    semver.gt(installed, made)
      ? `The project was made by create-prod-api ${made}, and ${installed} is installed: run \`npx create-prod-api upgrade\` to bring it the changes of ${installed}.`
      : `The project records create-prod-api ${made}, newer than the installed ${installed}: run \`npm install\` to install the version that made it.`,
  );
}

async function refuseUnlessReady(root: string): Promise<void> {
  if (!(await git.isRepositoryRoot(root)) || !(await git.hasCommit(root))) {
    throw new UsageError(
      'upgrade merges into your project through git, and this folder is not a git repository with a commit: commit your project first (git init, git add -A, git commit).',
    );
  }
  const state = await readState(root);
  if (state)
    throw new UsageError(
      `An upgrade from create-prod-api ${state.from} to ${state.to} is in progress: resolve its conflicts and run \`${self(root)} upgrade --continue\`, or \`${self(root)} upgrade --abort\`.`,
    );
  const unmerged = await git.unmergedPaths(root);
  if (unmerged.length > 0)
    throw new UsageError(`git has unresolved conflicts (${unmerged.slice(0, 5).join(', ')}): resolve and commit them first.`);
  const dirty = await git.statusLines(root);
  if (dirty.length > 0) {
    const shown = dirty
      .slice(0, 5)
      .map((line) => line.slice(3))
      .join(', ');
    throw new UsageError(
      `The working tree has uncommitted changes (${shown}${dirty.length > 5 ? ', ...' : ''}): commit or stash them first, so the upgrade's changes stand alone.`,
    );
  }
}

async function upgrade(root: string, manifest: Manifest, flags: UpgradeFlags, ui: Ui): Promise<void> {
  const [from, to] = [manifest.generatorVersion, generatorVersion()];
  if (!manifest.log?.length || !manifest.files) {
    throw new UsageError(
      `${MANIFEST_FILE} has no log of the commands that made the project (it predates create-prod-api 0.1.0's log), so it cannot be rebuilt to merge an upgrade.`,
    );
  }
  if (!semver.valid(from)) throw new UsageError(`${MANIFEST_FILE} names create-prod-api "${from}", which is not a version.`);
  if (semver.gt(from, to))
    throw new UsageError(
      `The project was made by create-prod-api ${from}, newer than this ${to}: upgrade never goes back. Run the newer version (npx create-prod-api upgrade).`,
    );
  if (!flags.dryRun) await refuseUnlessReady(root);

  ui.intro(from === to ? `create-prod-api upgrade: the project is at ${to}` : `create-prod-api upgrade: ${from} -> ${to}`);
  const { base, theirs } = await interruptible(async (signal) => {
    const baseBin = await generatorFor(from, root, (message) => ui.info(message));
    const spinner = ui.spinner();
    spinner.start(
      `Replaying the project's ${plural(manifest.log!.length, 'command')} with create-prod-api ${from === to ? to : `${from} and ${to}`}`,
    );
    try {
      const spec = await baseSpec(root);
      const ownBin = path.join(generatorRoot(), 'bin', 'create-prod-api.js');
      const [baseReplay, theirsReplay] = await Promise.all([
        replayLog(manifest.log!, { bin: baseBin, version: from, spec, signal }),
        from === to ? undefined : replayLog(manifest.log!, { bin: ownBin, version: to, spec: generatorSpec(root), signal }),
      ]);
      spinner.stop('Replayed the log');
      return { base: baseReplay, theirs: theirsReplay ?? baseReplay };
    } catch (error) {
      if (signal.aborted) {
        spinner.cancel('Cancelled.');
        throw new CancelledError('Cancelled. Nothing was written.');
      }
      spinner.error('Replaying the log failed');
      throw error;
    }
  });
  await assertBaseMatches(root, manifest, base);

  const restore = new Set(flags.restore ?? []);
  for (const relPath of restore) {
    if (!theirs.files.has(relPath))
      throw new UsageError(`--restore ${relPath}: create-prod-api ${to} does not write that file for this project; nothing to bring back.`);
    if (existsSync(path.join(root, relPath)))
      throw new UsageError(`--restore ${relPath}: the file is there; --restore only brings back a file you deleted.`);
  }
  const labels = labelsFor(from, to);
  const actions = await planUpgrade({
    base: withoutMigrations(base.files),
    theirs: withoutMigrations(theirs.files),
    ours: (relPath) => readFile(path.join(root, relPath), 'utf8').catch(() => null),
    format: formatterFor(root),
    labels,
    restore,
  });
  if (actions.length === 0 && from === to) {
    ui.outro(`Nothing to upgrade: the project has every change of create-prod-api ${to}.`);
    return;
  }
  const newSettings = [...settingsOf(theirs.files.get('.env.example'))].filter(
    (name) => !settingsOf(base.files.get('.env.example')).has(name),
  );

  if (flags.dryRun) {
    await printDryRun(ui, root, actions);
    const steps = stepsBetween(from, to).map((step) => `${step.version}: ${step.description}`);
    ui.note(
      reportLines({ from, to, actions, newSettings, steps, migration: [] }).join('\n') || '  nothing to change',
      `Would upgrade ${from} -> ${to}`,
    );
    ui.outro('Dry run: nothing was written.');
    return;
  }

  const written = await applyActions(root, actions, stepsBetween(from, to));
  const state: UpgradeState = {
    from,
    to,
    labels,
    conflicts: actions
      .filter((action) => action.kind === 'conflict' || (action.kind === 'moved' && action.stages))
      .map((action) => action.path),
    touched: written.touched,
    added: written.added,
    newSettings,
    steps: written.stepLines,
    actions: actions.map((action) => ({ kind: action.kind, path: action.path, ...(action.kind === 'moved' ? { from: action.from } : {}) })),
    schemaChanged: actions.some((action) => TABLE_FILES.test(action.path) || (action.kind === 'moved' && TABLE_FILES.test(action.from))),
    manifest: nextManifest(manifest, theirs.manifest, from, to),
  };
  // kept until the upgrade is done: a conflict, or a migration drizzle-kit could not make, is finished by --continue
  await writeState(root, state);
  if (state.conflicts.length > 0) {
    ui.note(
      reportLines({ from, to, actions, newSettings, steps: state.steps, migration: [] }).join('\n'),
      `Upgrade ${from} -> ${to}: ${plural(state.conflicts.length, 'conflict')} to resolve`,
    );
    throw new ConflictsError(
      [
        `${plural(state.conflicts.length, 'file')} with conflicts: ${state.conflicts.join(', ')}.`,
        `Resolve the blocks between <<<<<<< ${labels.ours} and >>>>>>> ${labels.theirs} (git status lists them; git mergetool works too),`,
        `then run \`${self(root)} upgrade --continue\`; or \`${self(root)} upgrade --abort\` to put everything back.`,
      ].join('\n'),
    );
  }
  await finish(root, state, ui);
}

const specIn = (packageJson: string): string | undefined => {
  try {
    return (JSON.parse(packageJson) as { devDependencies?: Record<string, string> }).devDependencies?.['create-prod-api'];
  } catch {
    return undefined;
  }
};

/** How the project's package.json names the generator now: the base is rebuilt with it (see matchSpec for when it moved). */
async function baseSpec(root: string): Promise<string> {
  return specIn(await readFile(path.join(root, 'package.json'), 'utf8').catch(() => '{}')) ?? generatorSpec(root);
}

/**
 * The owner may have moved the generator's devDependency since it was generated (`npm i -D create-prod-api@...`):
 * the base's package.json then names it as package.json's history did, the value whose hash the manifest recorded.
 */
async function matchSpec(root: string, base: Replay, recorded: string | undefined): Promise<void> {
  const text = base.files.get('package.json');
  const spec = text === undefined ? undefined : specIn(text);
  if (text === undefined || spec === undefined || recorded === undefined || sha256(text) === recorded) return;
  for (const earlier of await git.historicValues(root, 'package.json', specIn)) {
    const candidate = text.replace(`"create-prod-api": ${JSON.stringify(spec)}`, `"create-prod-api": ${JSON.stringify(earlier)}`);
    if (sha256(candidate) === recorded) {
      base.files.set('package.json', candidate);
      return;
    }
  }
}

/** The base must be what the old version recorded: else the log does not rebuild this project, and a merge would lie. */
async function assertBaseMatches(root: string, manifest: Manifest, base: Replay): Promise<void> {
  await matchSpec(root, base, manifest.files?.['package.json']);
  const recorded = Object.entries(manifest.files ?? {}).filter(([relPath]) => !isMigration(relPath));
  const differing: string[] = [];
  for (const [relPath, hash] of recorded) {
    const content = base.files.get(relPath);
    if (content === undefined || sha256(content) !== hash) differing.push(relPath);
  }
  for (const relPath of base.files.keys()) if (!isMigration(relPath) && !(relPath in (manifest.files ?? {}))) differing.push(relPath);
  if (differing.length === 0) return;
  throw new UsageError(
    `Replaying ${MANIFEST_FILE}'s log with create-prod-api ${manifest.generatorVersion} does not give the files it recorded ` +
      `(${differing.slice(0, 5).join(', ')}${differing.length > 5 ? `, and ${differing.length - 5} more` : ''}): the log or the hashes were changed by hand, ` +
      `or that version is not the one that made the project. Restore ${MANIFEST_FILE} from version control; nothing was written.`,
  );
}

function withoutMigrations(files: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...files].filter(([relPath]) => !isMigration(relPath)));
}

/**
 * The project's Prettier on the sides of a merge, so that layout alone never conflicts: for a file Prettier formats
 * (not one .prettierignore names), when the generator's output is Prettier's layout; each text unchanged where
 * Prettier cannot parse it.
 */
function formatterFor(root: string): (relPath: string, texts: readonly string[], reference: string | null) => Promise<string[]> {
  let prettier: Promise<typeof import('prettier')> | undefined;
  return async (relPath, texts, reference) => {
    prettier ??= import('prettier');
    const { check, format, getFileInfo, resolveConfig } = await prettier;
    const filepath = path.join(root, relPath);
    const info = await getFileInfo(filepath, { ignorePath: path.join(root, '.prettierignore') }).catch(() => undefined);
    if (!info?.inferredParser || info.ignored) return [...texts];
    const options = { ...(await resolveConfig(filepath).catch(() => null)), filepath };
    if (reference !== null && !(await check(reference, options).catch(() => false))) return [...texts];
    return Promise.all(texts.map((text) => format(text, options).catch(() => text)));
  };
}

interface Written {
  /** paths HEAD has that the upgrade changed or deleted */
  readonly touched: string[];
  /** paths the upgrade made */
  readonly added: string[];
}

/**
 * Writes every action, then runs the releases' upgrade steps over the merged files and writes what they change; a
 * failure part-way puts back what was written and is a failure (exit 1). The steps' report lines.
 */
async function applyActions(
  root: string,
  actions: readonly FileAction[],
  steps: readonly UpgradeStep[],
): Promise<Written & { stepLines: string[] }> {
  const written: Written = { touched: [], added: [] };
  const note = (relPath: string) => {
    // a file an upgrade step changes after the merge wrote it is already counted
    if (written.touched.includes(relPath) || written.added.includes(relPath)) return;
    (existsSync(path.join(root, relPath)) ? written.touched : written.added).push(relPath);
  };
  const put = async (relPath: string, content: string) => {
    note(relPath);
    await mkdir(path.dirname(path.join(root, relPath)), { recursive: true });
    await writeFile(path.join(root, relPath), content);
  };
  try {
    for (const action of actions) {
      switch (action.kind) {
        case 'updated':
        case 'added':
        case 'merged':
          await put(action.path, action.content);
          break;
        case 'conflict':
          await put(action.path, action.content);
          await git.writeConflictStages(root, action.path, action.stages);
          break;
        case 'removed':
          note(action.path);
          await rm(path.join(root, action.path));
          break;
        case 'moved':
          note(action.from);
          await rm(path.join(root, action.from));
          await put(action.path, action.content);
          if (action.stages) await git.writeConflictStages(root, action.path, action.stages);
          break;
        case 'kept-deleted':
        case 'kept-changed':
          break;
      }
    }
    const { changes, lines } = await runSteps(root, steps);
    for (const [relPath, content] of changes) await put(relPath, content);
    return { ...written, stepLines: lines };
  } catch (error) {
    await putBack(root, written);
    throw new StepFailedError(
      `The upgrade failed while writing (${error instanceof Error ? error.message : String(error)}); every file was put back as it was.`,
    );
  }
}

async function putBack(root: string, written: { readonly touched: readonly string[]; readonly added: readonly string[] }): Promise<void> {
  await git.restoreFromHead(root, written.touched);
  await git.forget(root, written.added);
  for (const relPath of written.added) await rm(path.join(root, relPath), { force: true });
}

/** The manifest after the upgrade: the new version's view of the resources and hashes, the same log plus this upgrade. */
function nextManifest(ours: Manifest, theirs: Manifest, from: string, to: string): Manifest {
  const files = Object.fromEntries(Object.entries(theirs.files ?? {}).filter(([relPath]) => !isMigration(relPath)));
  for (const [relPath, hash] of Object.entries(ours.files ?? {})) if (isMigration(relPath)) files[relPath] = hash;
  // an upgrade joins the log (replays pass over it), but a restore within one version is not one
  const entry: LogEntry[] = from === to ? [] : [{ command: 'upgrade', args: ['--from', from, '--to', to], at: now().getTime() }];
  return { ...theirs, generatorVersion: to, log: [...(ours.log ?? []), ...entry], files };
}

/** The files drizzle-kit reads the schema from: an upgrade that changes none has no migration to make. */
const TABLE_FILES = /^src\/(.+\/)?(tables?|schema|columns)\.ts$/;

/** After a clean merge or a resolved one: the migration for a changed schema, the manifest, the report. */
async function finish(root: string, state: UpgradeState, ui: Ui): Promise<void> {
  const runScript = runScriptCommand(state.manifest.options.packageManager as Parameters<typeof runScriptCommand>[0]);
  const name = `upgrade_${state.to.replace(/[^0-9a-z]+/gi, '_')}`;
  const unchanged: MigrationResult = { kind: 'generated', files: [] };
  const migration = await (state.schemaChanged ? generateMigration(root, name, runScript) : Promise.resolve(unchanged)).catch(
    (error: unknown) => {
      throw new StepFailedError(
        `The files are upgraded, but drizzle-kit could not make the migration for the schema (${error instanceof Error ? error.message : String(error)}). ` +
          `Fix what it names, then run \`${runScript} db:generate\` and \`${self(root)} upgrade --continue\`.`,
      );
    },
  );
  const files: Record<string, string> = { ...state.manifest.files };
  const made = migration.kind === 'generated' ? migration.files : [];
  for (const relPath of made) files[relPath] = sha256(await readFile(path.join(root, relPath)));
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
  await writeFile(path.join(root, MANIFEST_FILE), manifestJson({ ...state.manifest, files: sorted }));
  await clearState(root);

  const actions = state.actions as FileAction[];
  const lines = reportLines({
    from: state.from,
    to: state.to,
    actions,
    newSettings: state.newSettings,
    steps: state.steps,
    migration: made.filter((file) => file.endsWith('.sql')),
    migrationCommand: migration.kind === 'not-installed' ? migration.command : undefined,
  });
  ui.note(
    lines.join('\n') || '  nothing changed',
    state.from === state.to ? `Up to date with ${state.to}` : `Upgraded ${state.from} -> ${state.to}`,
  );
  const packageChanged = actions.some((action) => action.path === 'package.json');
  ui.outro(
    [
      packageChanged ? 'package.json changed: run `npm install`, then ' : 'Next: ',
      "review with `git diff`, run the tests, and commit. The changes of each release are in create-prod-api's CHANGELOG.",
    ].join(''),
  );
}

async function continueUpgrade(root: string, ui: Ui): Promise<void> {
  const state = await readState(root);
  if (!state) throw new UsageError('No upgrade is in progress here: there is nothing to continue.');
  const unresolved: string[] = [];
  for (const relPath of state.conflicts) {
    const content = await readFile(path.join(root, relPath), 'utf8').catch(() => null);
    if (content !== null && hasConflictMarkers(content, state.labels)) unresolved.push(relPath);
  }
  if (unresolved.length > 0) {
    throw new UsageError(
      `Conflict markers remain in ${unresolved.join(', ')}: resolve them (keep what each block should say, delete the marker lines), then run --continue again.`,
    );
  }
  // a resolved file is added as it now is; one the owner chose to delete goes out of the index
  await git.markResolved(
    root,
    state.conflicts.filter((relPath) => existsSync(path.join(root, relPath))),
  );
  await git.forget(
    root,
    state.conflicts.filter((relPath) => !existsSync(path.join(root, relPath))),
  );
  await finish(root, state, ui);
}

async function abortUpgrade(root: string, ui: Ui): Promise<void> {
  const state = await readState(root);
  if (!state) throw new UsageError('No upgrade is in progress here: there is nothing to abort.');
  await putBack(root, state);
  await clearState(root);
  ui.outro(`Aborted the upgrade to ${state.to}: every file is as it was before it.`);
}

/** --dry-run: each file's change as a unified diff against the project as it is. */
async function printDryRun(ui: Ui, root: string, actions: readonly FileAction[]): Promise<void> {
  const { createTwoFilesPatch } = await import('diff');
  const read = (relPath: string) => readFile(path.join(root, relPath), 'utf8').catch(() => '');
  const patches: string[] = [];
  for (const action of actions) {
    if (action.kind === 'kept-deleted' || action.kind === 'kept-changed') continue;
    const before = await read(action.kind === 'moved' ? action.from : action.path);
    const after = action.kind === 'removed' ? '' : action.content;
    const [oldName, newName] = [
      action.kind === 'added' ? '/dev/null' : `a/${action.kind === 'moved' ? action.from : action.path}`,
      action.kind === 'removed' ? '/dev/null' : `b/${action.path}`,
    ];
    patches.push(
      createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { context: 3 }).split('\n').slice(1).join('\n'),
    );
  }
  if (patches.length > 0) ui.output.write(`${patches.join('')}\n`);
}
