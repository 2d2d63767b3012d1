import type { Context } from '../context.js';

/** Quotes a path for a POSIX shell only when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The commands a user types next, in order; `installed` drops the install line. */
export function nextSteps(ctx: Pick<Context, 'displayDir' | 'installCommand' | 'runScript'>, installed: boolean): string[] {
  return [
    ...(ctx.displayDir === '.' ? [] : [`cd ${shellQuote(ctx.displayDir)}`]),
    ...(installed ? [] : [ctx.installCommand]),
    `${ctx.runScript} dev`,
    `${ctx.runScript} test`,
  ];
}
