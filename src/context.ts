// Options + target directory -> one frozen Context. Every derived name is
// computed here, once; templates and features only read it.
import path from 'node:path';
import { UsageError } from './errors.js';
import type { Options } from './options.js';
import { invalidNameMessage, packageNameProblem } from './util/package-name.js';
import { installCommand, runScriptCommand } from './util/package-manager.js';
import { generatorSpec, generatorVersion } from './util/package-info.js';

/** The options of the table (options.ts) but `yes`, which only decides whether to ask, and what they imply. */
export interface Context extends Readonly<Omit<Options, 'yes'>> {
  readonly name: string; // npm package name (from the directory's basename)
  readonly targetDir: string; // absolute path
  readonly runScript: string; // how to run a package.json script: 'npm run' | 'pnpm' | 'yarn' | 'bun run'
  readonly installCommand: string; // 'npm install' | 'pnpm install' | 'yarn' | 'bun install'
  readonly generatorVersion: string; // our package.json version
  /** how the project's devDependencies name the generator (util/package-info.ts) */
  readonly generatorSpec: string;
  /** The target as the user should `cd` to it: relative to cwd, '.' when it is cwd. */
  readonly displayDir: string;
  /** the database name for a database server: the package name in the characters every server accepts */
  readonly dbName: string;
}

/** The package name a directory gives: its basename ('.' means the current directory). */
export function nameFromDirectory(directory: string, cwd: string): string {
  return path.basename(path.resolve(cwd, directory));
}

/** Refuses (UsageError) a directory whose basename is not a valid npm package name. */
export function assertValidName(name: string): void {
  if (packageNameProblem(name) !== undefined) throw new UsageError(invalidNameMessage(name));
}

export function createContext(options: Options, directory: string, cwd: string = process.cwd()): Context {
  const targetDir = path.resolve(cwd, directory);
  const name = path.basename(targetDir);
  assertValidName(name);
  const relative = path.relative(cwd, targetDir);
  const { yes: _asked, ...chosen } = options;
  return Object.freeze({
    name,
    targetDir,
    ...chosen,
    runScript: runScriptCommand(options.packageManager),
    installCommand: installCommand(options.packageManager),
    generatorVersion: generatorVersion(),
    generatorSpec: generatorSpec(targetDir),
    // A target outside cwd reads better absolute than as ../../..
    displayDir: relative === '' ? '.' : relative.startsWith('..') ? targetDir : relative,
    dbName: name.replace(/^@[^/]+\//, '').replace(/[^a-z0-9_]/g, '_'),
  });
}
