// Asks for whatever the flags left open, and nothing else. Non-interactive
// runs (--yes, CI, piped stdin) take the defaults instead.
import * as clack from '@clack/prompts';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { assertValidName, nameFromDirectory } from './context.js';
import { CancelledError, UsageError } from './errors.js';
import {
  OPTION_DEFS,
  fallbackValue,
  requirementHolds,
  validateOptions,
  type GivenOptions,
  type OptionDef,
  type Options,
} from './options.js';
import { assertTargetUsable } from './plan/commit.js';

export interface PromptStreams {
  readonly input?: Readable;
  readonly output?: Writable;
}

export interface PromptRequest extends PromptStreams {
  /** The positional argument, if given. */
  readonly directory?: string;
  readonly given: GivenOptions;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export interface Answers {
  readonly directory: string;
  readonly options: Options;
}

const DEFAULT_DIRECTORY = 'my-api';

/** Ask only a person at a terminal, and never with --yes. */
export function isInteractive(yes: boolean | undefined, input: Readable = process.stdin): boolean {
  return !yes && (input as Partial<NodeJS.ReadStream>).isTTY === true;
}

export function missingDirectoryError(): UsageError {
  return new UsageError('Missing the project directory: create-prod-api <directory> [options] (it is only asked for in a terminal).');
}

function unlessCancelled<T>(answer: T | symbol): Exclude<T, symbol> {
  if (clack.isCancel(answer)) throw new CancelledError();
  return answer as Exclude<T, symbol>;
}

/** Refuses (UsageError) a directory whose name is invalid or that is non-empty without --force. */
export function checkDirectory(directory: string, cwd: string, force: boolean): void {
  assertValidName(nameFromDirectory(directory, cwd));
  assertTargetUsable(path.resolve(cwd, directory), force);
}

async function askDirectory(cwd: string, force: boolean, streams: PromptStreams): Promise<string> {
  const answer = await clack.text({
    ...streams,
    message: 'Where should the project go?',
    placeholder: DEFAULT_DIRECTORY,
    defaultValue: DEFAULT_DIRECTORY,
    // Same checks as for the argument, but here the user can simply retype.
    validate: (value) => {
      try {
        checkDirectory(value || DEFAULT_DIRECTORY, cwd, force);
        return undefined;
      } catch (error) {
        if (error instanceof UsageError) return error.message;
        throw error;
      }
    },
  });
  return unlessCancelled(answer);
}

async function askOption(def: OptionDef, initial: string | boolean, streams: PromptStreams): Promise<string | boolean> {
  const message = def.question!;
  if (def.kind === 'toggle') {
    return unlessCancelled(await clack.confirm({ ...streams, message, initialValue: initial === true }));
  }
  const answer = await clack.select<string>({
    ...streams,
    message,
    initialValue: initial as string,
    // Announced values are shown, greyed out, so users see what is coming.
    options: def.choices.map((c) => ({ value: c.value, label: c.label, hint: c.hint })),
  });
  return unlessCancelled(answer);
}

/**
 * Fills every option and the directory: flags win, then answers (interactive)
 * or defaults (non-interactive). Throws CancelledError on Ctrl-C and
 * UsageError for what no answer can fix (e.g. no directory in CI).
 */
export async function askForMissing(request: PromptRequest): Promise<Answers> {
  const { given, env = process.env, cwd = process.cwd() } = request;
  const streams: PromptStreams = { input: request.input, output: request.output };
  const interactive = isInteractive(given.yes, request.input ?? process.stdin);

  let directory = request.directory;
  if (directory === undefined) {
    if (!interactive) throw missingDirectoryError();
    directory = await askDirectory(cwd, given.force ?? false, streams);
  }

  // Flags first, so each answer is checked against all of them at once.
  // Then table order: a requirement (example needs auth) is settled before
  // the option that depends on it.
  const values: Record<string, string | boolean> = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  for (const def of OPTION_DEFS) {
    if (values[def.id] !== undefined) continue;
    const fallback = fallbackValue(def, values as GivenOptions, env);
    const ask = interactive && def.question !== undefined && requirementHolds(def, values as GivenOptions) !== false;
    values[def.id] = ask ? await askOption(def, fallback, streams) : fallback;
    // An answer can contradict a flag (--example, then "None" for auth):
    // say so now rather than after the remaining questions.
    validateOptions(values as GivenOptions);
  }
  // a person at a terminal sees what will be written, and says yes, before anything is (--yes skips this)
  if (interactive) await confirmChoices(directory, values, streams);
  return { directory, options: values as Options };
}

async function confirmChoices(directory: string, values: Record<string, string | boolean>, streams: PromptStreams): Promise<void> {
  const rows = [
    ['directory', directory],
    ...OPTION_DEFS.filter((def) => def.question !== undefined).map((def) => [
      def.id,
      values[def.id] === true ? 'yes' : values[def.id] === false ? 'no' : String(values[def.id]),
    ]),
  ];
  const width = Math.max(...rows.map(([name]) => name!.length));
  clack.note(rows.map(([name, value]) => `${name!.padEnd(width)}  ${value}`).join('\n'), 'The project', { output: streams.output });
  if (!unlessCancelled(await clack.confirm({ ...streams, message: 'Create it?', initialValue: true }))) throw new CancelledError();
}
