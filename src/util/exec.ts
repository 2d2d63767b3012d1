// The one way we run other programs (package managers, git): output captured,
// not streamed, so the spinner owns the terminal and a failure can show it.
// execa is imported when a program first runs: loading it costs a field command,
// which usually runs none, a tenth of its time (bench/add-resource.ts).

export interface RunOptions {
  readonly cwd: string;
  /** Aborting it stops the program (Ctrl-C during a spinner). */
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
}

/** A program that failed, could not start, or was cancelled; `output` is its combined stdout+stderr. */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    readonly command: string,
    message: string,
    readonly output: string,
    readonly reason: 'missing' | 'cancelled' | 'failed',
  ) {
    super(message);
  }
}

export async function run(file: string, args: readonly string[], options: RunOptions): Promise<string> {
  const command = [file, ...args].join(' ');
  const { execa, ExecaError } = await import('execa');
  try {
    const result = await execa(file, args, {
      cwd: options.cwd,
      env: options.env,
      cancelSignal: options.signal,
      stdin: 'ignore',
      all: true,
    });
    return result.all ?? '';
  } catch (error) {
    if (!(error instanceof ExecaError)) throw error;
    const output = typeof error.all === 'string' ? error.all : '';
    if (error.code === 'ENOENT') throw new CommandError(command, `${file} is not installed or not on PATH`, output, 'missing');
    // In a terminal Ctrl-C reaches the child too, which may die of it before our
    // own SIGINT handler has run (nothing aborted yet); either way the user cancelled.
    if (error.isCanceled || options.signal?.aborted || error.signal === 'SIGINT') {
      throw new CommandError(command, `${command} was cancelled`, output, 'cancelled');
    }
    const why =
      error.exitCode !== undefined ? `exit code ${error.exitCode}` : error.signal ? `killed by ${error.signal}` : error.shortMessage;
    throw new CommandError(command, why, output, 'failed');
  }
}

/** Whether `file` can be started at all (`file --version` exits 0). */
export async function commandExists(file: string, cwd: string): Promise<boolean> {
  try {
    await run(file, ['--version'], { cwd });
    return true;
  } catch (error) {
    if (error instanceof CommandError) return false;
    throw error;
  }
}

/** The last lines of a program's output, for an error message. */
export function tail(output: string, lines = 15): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}
