// The commands that grow an existing project, as commander sees them. Their
// work (ts-morph, Prettier, the TypeScript compiler behind them) is imported
// only when one runs: `create` and `--version` never pay for loading it. Prettier
// starts loading first, in its own thread, and ts-morph loads meanwhile.
import { Option, type Command } from 'commander';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { fieldSpecHelp } from '../resource/fields.js';
import { resourceNames } from '../resource/names.js';
import { startFormatter, type Formatter } from '../edit/formatter.js';
import type { FieldChange, FieldFlags } from './field.js';
import { ACCESS_KINDS, MANIFEST_FILE, REGISTRY_FILE, TABLE_INDEX_FILE, type AccessKind } from '../project/manifest.js';
import { VERSION_PATTERN } from '../project/versions.js';

export interface AddResourceFlags {
  fields?: string;
  version?: string;
  from?: string;
  pagination?: 'cursor' | 'offset';
  access?: AccessKind;
  dryRun?: boolean;
}

export interface AddVersionFlags {
  from?: string;
  deprecate?: string;
  sunset?: string;
  since?: string;
  dryRun?: boolean;
}

export function addGrowCommands(program: Command, cwd: () => string, output?: Writable): void {
  program
    .command('add-resource <name>')
    .description('add a resource (table, schemas, routes, tests, migration) to the generated project in this folder')
    .option(
      '--fields <spec>',
      'fields as name:type[?][:rule...], comma separated, e.g. "name:string:unique,price:decimal:min=0,notes:text?"',
    )
    .option('--version <version>', 'the API version to add it to (default: the newest version that is not deprecated)')
    .option('--from <version>', "with --version: copy an existing resource's schemas from this version")
    .addOption(new Option('--pagination <kind>', 'list pagination').choices(['cursor', 'offset']))
    .addOption(new Option('--access <rule>', 'who may read and write').choices([...ACCESS_KINDS]))
    .option('--dry-run', 'print the diff it would make; write nothing')
    .addHelpText('after', `\n${fieldSpecHelp()}`)
    .action(async (name: string, flags: AddResourceFlags) => {
      await withFormatter(cwd(), [REGISTRY_FILE, TABLE_INDEX_FILE, MANIFEST_FILE], async (formatter) => {
        const { runAddResource } = await import('./add-resource.js');
        await runAddResource(cwd(), name, flags, formatter, output);
      });
    });

  program
    .command('add-version <version>')
    .description('add an API version to the generated project in this folder')
    .option('--from <version>', "start it as a copy of this version's resources (their own schemas, free to change)")
    .option('--deprecate <version>', 'mark this older version deprecated (Deprecation, Sunset and Link headers); needs --sunset')
    .option('--sunset <date>', 'the date the deprecated version stops, YYYY-MM-DD')
    .option('--since <date>', 'the date its deprecation starts, YYYY-MM-DD (default: today)')
    .option('--dry-run', 'print the diff it would make; write nothing')
    .action(async (version: string, flags: AddVersionFlags) => {
      await withFormatter(cwd(), [REGISTRY_FILE, MANIFEST_FILE], async (formatter) => {
        const { runAddVersion } = await import('./add-version.js');
        await runAddVersion(cwd(), version, flags, formatter, output);
      });
    });

  addFieldCommands(program, cwd, output);
}

/** add-field, list-field, remove-field, rename-field: one resource's field in one version. */
function addFieldCommands(program: Command, cwd: () => string, output?: Writable): void {
  const run = (change: FieldChange, flags: FieldFlags) =>
    withFormatter(cwd(), [REGISTRY_FILE, MANIFEST_FILE, ...fieldFiles(cwd(), change.resource, flags.version)], async (formatter) => {
      const { runFieldChange } = await import('./field.js');
      await runFieldChange(cwd(), change, flags, formatter, output);
    });
  const dryRun = '--dry-run';
  const dryRunHelp = 'print the diff it would make; write nothing';
  program
    .command('add-field <resource> <field>')
    .description(
      "add a field (name:type[?][:rule...]) to a resource in one version: the column and its migration, the version's schemas, presenter and test",
    )
    .option('--version <version>', 'the version whose schemas get it (default: the newest version that is not deprecated)')
    .option(dryRun, dryRunHelp)
    .addHelpText('after', `\n${fieldSpecHelp()}`)
    .action((resource: string, spec: string, flags: FieldFlags) => run({ kind: 'add', resource, spec }, flags));
  program
    .command('list-field <resource> <field>')
    .description(
      "set what one version's list filters, searches and orders by on a field (name[:filter[=lookups]][:search][:order]; name alone takes it out of the list), with the ordering's index and migration",
    )
    .option('--version <version>', 'the version whose list changes (default: the newest version that is not deprecated)')
    .option(dryRun, dryRunHelp)
    .addHelpText('after', `\n${fieldSpecHelp()}`)
    .action((resource: string, spec: string, flags: FieldFlags) => run({ kind: 'list', resource, spec }, flags));
  program
    .command('remove-field <resource> <field>')
    .description("take a field out of one version's schemas; the column stays for the versions that still read it")
    .requiredOption('--version <version>', 'the version whose schemas lose it')
    .option(dryRun, dryRunHelp)
    .action((resource: string, name: string, flags: FieldFlags) => run({ kind: 'remove', resource, name }, flags));
  program
    .command('rename-field <resource> <old> <new>')
    .description("rename a field in one version's schemas and presenter; it stays the same column")
    .requiredOption('--version <version>', 'the version whose schemas rename it')
    .option(dryRun, dryRunHelp)
    .action((resource: string, name: string, to: string, flags: FieldFlags) => run({ kind: 'rename', resource, name, to }, flags));
}

/**
 * The files a field command is about to change (its table, the version's schemas
 * or, without --version, every version's, its generated test), for the formatter
 * to check ahead: Prettier's first check of a file costs more than the edit.
 */
function fieldFiles(root: string, resource: string, version: string | undefined): string[] {
  try {
    const plural = resourceNames(resource).pluralKebab;
    const folder = `src/resources/${plural}`;
    // a --version that is not one (the command refuses it) names no file
    if (version !== undefined && !VERSION_PATTERN.test(version)) return [];
    const versions = version
      ? [version]
      : readdirSync(path.join(root, folder), { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? [entry.name] : []));
    return [`${folder}/table.ts`, ...versions.map((name) => `${folder}/${name}/schemas.ts`), `test/${plural}.test.ts`];
  } catch {
    return []; // a name or resource the command itself refuses, saying why
  }
}

/** Runs a command with Prettier starting in its worker, checking ahead the files the command will change. */
async function withFormatter(root: string, precheck: string[], run: (formatter: Formatter) => Promise<void>): Promise<void> {
  const formatter = startFormatter({ root, precheck });
  try {
    await run(formatter);
  } finally {
    await formatter.close();
  }
}
