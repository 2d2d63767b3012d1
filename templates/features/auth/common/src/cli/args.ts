import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * The command's flags, or one line naming what is wrong and how to call it
 * (exit 2): an unknown or misspelt flag is a usage error, never a stack trace.
 */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(options: T, usage: string, positionals = 0) {
  try {
    const parsed = parseArgs({ options, strict: true, allowPositionals: positionals > 0 });
    if (parsed.positionals.length > positionals) usageError(`unexpected argument "${parsed.positionals[positionals]}"`, usage);
    return parsed;
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      usageError(error.message.split('\n')[0]!.replace(/\.$/, ''), usage);
    }
    throw error;
  }
}

export function usageError(problem: string, usage: string): never {
  console.error(`error: ${problem}. ${usage}`);
  process.exit(2);
}
