// create: flags -> prompts -> frozen context -> plan in memory -> dry-run
// print OR one commit to disk -> post steps (install, git) -> next steps.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { createContext, type Context } from '../context.js';
import { CancelledError, StepFailedError } from '../errors.js';
import { validateOptions, type GivenOptions } from '../options.js';
import { planProject } from '../plan/build.js';
import { commitTree, findOverwrites, assertTargetUsable } from '../plan/commit.js';
import { printPlan } from '../plan/dry-run.js';
import { askForMissing, checkDirectory, isInteractive, missingDirectoryError } from '../prompts.js';
import { GIT_BY_HAND, initGit } from '../steps/git.js';
import { writeLocalEnv } from '../steps/env-file.js';
import { installDependencies } from '../steps/install.js';
import { nextSteps, shellQuote } from '../steps/next-steps.js';
import { createUi, type Ui } from '../ui.js';
import { CommandError, tail } from '../util/exec.js';
import { generatorVersion } from '../util/package-info.js';
import { plural } from '../util/text.js';

export interface CreateRequest {
  readonly directory?: string;
  readonly given: GivenOptions;
  readonly input?: Readable;
  readonly output?: Writable;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export async function runCreate(request: CreateRequest): Promise<void> {
  const { given, cwd = process.cwd() } = request;
  const ui = createUi(request.output);

  // Flag mistakes fail before any question is asked.
  validateOptions(given);
  if (request.directory !== undefined) checkDirectory(request.directory, cwd, given.force ?? false);
  else if (!isInteractive(given.yes, request.input)) throw missingDirectoryError();

  ui.intro(`create-prod-api ${generatorVersion()}`);
  const { directory, options } = await askForMissing({ ...request, cwd });
  const ctx = createContext(options, directory, cwd);

  const tree = await planProject(ctx);

  if (ctx.dryRun) {
    // Same refusal as a real run, so a dry run is a faithful preview.
    assertTargetUsable(ctx.targetDir, ctx.force);
    printPlan(ui, tree, ctx.targetDir, findOverwrites(tree, ctx.targetDir));
    const later = [
      existsSync(path.join(ctx.targetDir, '.env')) ? undefined : 'write .env (git-ignored; a JWT_SECRET of its own and the DATABASE_URL)',
      ctx.install && ctx.installCommand,
      ctx.git && 'git init + first commit',
    ].filter(Boolean);
    if (later.length > 0) ui.info(`Then it would run: ${later.join(', ')}.`);
    ui.outro('Dry run: nothing was written.');
    return;
  }

  const { written } = await commitTree(tree, ctx.targetDir, {
    force: ctx.force,
    beforeWrite: (overwrites) => {
      if (overwrites.length > 0) ui.warn(`Overwriting ${plural(overwrites.length, 'existing file')}: ${overwrites.join(', ')}`);
    },
  });
  ui.success(`Wrote ${plural(written.length, 'file')} into ${ctx.displayDir === '.' ? 'the current directory' : ctx.displayDir}.`);
  const envFile = await writeLocalEnv(ctx, request.env ?? process.env);
  ui.info(
    envFile === 'written'
      ? `Wrote .env (git-ignored): ${ctx.auth === 'jwt' ? 'a JWT_SECRET of its own and ' : ''}the DATABASE_URL; .env.example lists every setting.`
      : 'Kept the .env that was there.',
  );

  await runPostSteps(ctx, ui, written.length);

  ui.note(nextSteps(ctx, ctx.install).join('\n'), 'Next steps');
  ui.outro(`Your API is ready: ${ctx.name}`);
}

/**
 * Install then git (so the lockfile is in the first commit). The files are
 * written by now and stay whatever happens; a failure says how to finish.
 */
async function runPostSteps(ctx: Context, ui: Ui, fileCount: number): Promise<void> {
  const steps = [
    { enabled: ctx.install, what: 'Dependencies were not installed', byHand: ctx.installCommand, run: () => installDependencies(ctx, ui) },
    { enabled: ctx.git, what: 'The git repository was not created', byHand: GIT_BY_HAND, run: () => initGit(ctx, ui) },
  ].filter((step) => step.enabled);

  for (const [index, step] of steps.entries()) {
    try {
      await step.run();
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      const finish = [...(ctx.displayDir === '.' ? [] : [`cd ${shellQuote(ctx.displayDir)}`]), ...steps.slice(index).map((s) => s.byHand)];
      const kept = `The project (${plural(fileCount, 'file')}) is written in ${ctx.targetDir} and stays there.`;
      const byHand = `Finish by hand:\n${finish.map((line) => `  ${line}`).join('\n')}`;
      if (error.reason === 'cancelled') throw new CancelledError(`Cancelled. ${kept}\n${byHand}`);
      const output = tail(error.output);
      throw new StepFailedError(
        [`${step.what}: ${error.command} failed (${error.message}).`, ...(output ? [output] : []), kept, byHand].join('\n'),
      );
    }
  }
}
