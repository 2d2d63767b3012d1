import type { Context } from '../context.js';
import type { Ui } from '../ui.js';
import { CommandError, commandExists, run } from '../util/exec.js';
import { interruptible } from '../util/interrupt.js';

const COMMIT_MESSAGE = 'Initial commit from create-prod-api';

/** The same thing by hand, for a failure message. */
export const GIT_BY_HAND = `git init && git add -A && git commit -m "${COMMIT_MESSAGE}"`;

async function insideWorkTree(cwd: string): Promise<boolean> {
  try {
    return (await run('git', ['rev-parse', '--is-inside-work-tree'], { cwd })).trim() === 'true';
  } catch {
    return false;
  }
}

async function hasIdentity(cwd: string): Promise<boolean> {
  try {
    await run('git', ['config', 'user.email'], { cwd });
    await run('git', ['config', 'user.name'], { cwd });
    return true;
  } catch {
    return false;
  }
}

/**
 * git init + add + first commit. Skipped, with a note, when git is missing or
 * the project sits inside another repository (a monorepo: its repo owns it).
 * Throws CommandError.
 */
export async function initGit(ctx: Pick<Context, 'targetDir'>, ui: Pick<Ui, 'spinner' | 'info'>): Promise<void> {
  const cwd = ctx.targetDir;
  if (!(await commandExists('git', cwd))) {
    ui.info('Skipped git init: git is not installed.');
    return;
  }
  if (await insideWorkTree(cwd)) {
    ui.info('Skipped git init: the directory is already inside a git repository.');
    return;
  }
  // Without a configured identity `git commit` refuses; sign the first commit
  // as the generator rather than fail (the user's config wins when present).
  const env = (await hasIdentity(cwd))
    ? undefined
    : {
        GIT_AUTHOR_NAME: 'create-prod-api',
        GIT_AUTHOR_EMAIL: 'create-prod-api@users.noreply.github.com',
        GIT_COMMITTER_NAME: 'create-prod-api',
        GIT_COMMITTER_EMAIL: 'create-prod-api@users.noreply.github.com',
      };

  const spin = ui.spinner();
  spin.start('Creating a git repository');
  try {
    await interruptible(async (signal) => {
      const options = { cwd, signal, env };
      await run('git', ['init'], options);
      await run('git', ['add', '-A'], options);
      await run('git', ['commit', '-m', COMMIT_MESSAGE], options);
    });
  } catch (error) {
    if (error instanceof CommandError && error.reason === 'cancelled') {
      if (!spin.isCancelled) spin.cancel('Cancelled.');
    } else if (!spin.isCancelled) spin.error('git failed');
    throw error;
  }
  spin.stop('Created a git repository with a first commit');
}
