import type { Context } from '../context.js';
import type { Ui } from '../ui.js';
import { CommandError, run } from '../util/exec.js';
import { interruptible } from '../util/interrupt.js';
import { installInvocation } from '../util/package-manager.js';

/** Installs dependencies with the chosen package manager. Throws CommandError. */
export async function installDependencies(
  ctx: Pick<Context, 'targetDir' | 'packageManager' | 'installCommand'>,
  ui: Pick<Ui, 'spinner'>,
): Promise<void> {
  const spin = ui.spinner();
  spin.start(`Installing dependencies (${ctx.installCommand})`);
  try {
    const [file, args] = installInvocation(ctx.packageManager);
    await interruptible((signal) => run(file, args, { cwd: ctx.targetDir, signal }));
  } catch (error) {
    if (error instanceof CommandError && error.reason === 'cancelled') {
      if (!spin.isCancelled) spin.cancel('Cancelled.');
    } else if (!spin.isCancelled) spin.error(`${ctx.installCommand} failed`);
    throw error;
  }
  spin.stop('Installed dependencies');
}
