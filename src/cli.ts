// The program and its ONE error boundary: exit codes live here and nowhere
// else. 0 ok, 1 failure, 2 usage, 3 conflicts left to resolve (upgrade), 130 cancelled.
import { Command, CommanderError, Option } from 'commander';
import type { EventEmitter } from 'node:events';
import { addGrowCommands } from './commands/grow.js';
import type { UpgradeFlags } from './commands/upgrade.js';
import { CancelledError, ConflictsError, StepFailedError, UsageError } from './errors.js';
import { addOptionFlags, type GivenOptions } from './options.js';
import { nearest } from './util/nearest.js';
import { generatorVersion } from './util/package-info.js';

const EXIT = { ok: 0, failure: 1, usage: 2, conflicts: 3, cancelled: 130 } as const;

function buildProgram(): Command {
  const program: Command = new Command('create-prod-api')
    .description('Scaffold a production-grade TypeScript API.')
    .version(generatorVersion(), '-v, --version')
    // -V too, as commander's own default spells it: the same answer
    .addOption(new Option('-V').hideHelp())
    .on('option:V', () => (program as unknown as EventEmitter).emit('option:version'))
    // `create-prod-api help add-resource`, as other CLIs with subcommands answer
    .helpCommand(true)
    .argument('[directory]', "where to create the project ('.' for the current directory)")
    // Root flags belong to create; without this they would swallow subcommand flags.
    .enablePositionalOptions()
    .exitOverride()
    .action(async (directory: string | undefined, flags: GivenOptions) => {
      // imported when it runs: the grow commands never load the templates, prompts and installer it needs
      const { runCreate } = await import('./commands/create.js');
      await runCreate({ directory, given: flags });
    });
  addOptionFlags(program);
  addGrowCommands(program, () => process.cwd());
  program
    .command('upgrade')
    .description("bring the project in this folder every change of this version of create-prod-api, merged with the project's own edits")
    .option('--check', 'exit 1 when the installed create-prod-api is newer than the version that made the project (for CI)')
    .option('--dry-run', 'print the diff it would make; write nothing')
    .option('--continue', 'finish an upgrade whose conflicts you resolved')
    .option('--abort', 'put back every file an unfinished upgrade changed')
    .option('--restore <path>', 'bring back a generated file you deleted (repeatable)', (value: string, previous: string[] = []) => [
      ...previous,
      value,
    ])
    .action(async (flags: UpgradeFlags) => {
      const { runUpgrade } = await import('./commands/upgrade.js');
      await runUpgrade(process.cwd(), flags);
    });
  return program;
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander printed its message already (help and --version exit 0).
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}`);
    return EXIT.usage;
  }
  if (error instanceof ConflictsError) {
    console.error(error.message);
    return EXIT.conflicts;
  }
  if (error instanceof CancelledError) {
    console.error(error.message);
    return EXIT.cancelled;
  }
  if (error instanceof StepFailedError) {
    console.error(`error: ${error.message}`);
    return EXIT.failure;
  }
  // Anything else is a bug in the generator: the same first line as every other error, then where it happened.
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  console.error(`This is a bug in create-prod-api ${generatorVersion()}; please report it with the lines below.`);
  if (error instanceof Error && error.stack) console.error(error.stack.split('\n').slice(1).join('\n'));
  return EXIT.failure;
}

/**
 * `create-prod-api add-resorce pets` would otherwise plan a project named add-resorce (or fail on "too many
 * arguments"): a first word a typo away from a command is refused with the command it meant. A project really
 * named so is still made by its path (`./add-resorce`).
 */
function refuseMistypedCommand(program: Command, argv: readonly string[]): void {
  const first = argv[2];
  if (first === undefined || first.startsWith('-') || /[./\\]/.test(first)) return;
  const names = program.commands.map((command) => command.name());
  if (names.includes(first)) return;
  const meant = nearest(first, names);
  if (meant)
    throw new UsageError(
      `unknown command "${first}"; did you mean ${meant}? (To create a project with that name, give its path: ./${first})`,
    );
}

let code: number = EXIT.ok;
// `create-prod-api my-api --dry-run | head`: the reader left early; what it did not read is not an error of ours
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(code);
  });
}
try {
  const program = buildProgram();
  refuseMistypedCommand(program, process.argv);
  await program.parseAsync(process.argv);
} catch (error) {
  code = exitCodeFor(error);
}
// process.exit() drops what is still queued for a pipe (a long --dry-run diff read by another program): each stream's
// callback for an empty write runs once everything written before it is out
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
process.exit(code);
