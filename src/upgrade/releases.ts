// Where the version of the generator that made a project comes from, to rebuild
// its base: this very generator when the versions agree; the project's installed
// devDependency when it is that version; else, from a clone of create-prod-api,
// the release's commit (releases.json maps each release to one, since tags may not
// travel with a clone) built once into .releases/<version>/.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { UsageError, StepFailedError } from '../errors.js';
import { generatorRoot } from '../util/package-info.js';
import { tail } from '../util/exec.js';

const execFileAsync = promisify(execFile);

export const RELEASES_FILE = 'releases.json';
const BIN = 'bin/create-prod-api.js';

/** The release -> commit map of the generator at `root` (empty where it has none). */
export function releases(root: string = generatorRoot()): Record<string, string> {
  const file = path.join(root, RELEASES_FILE);
  if (!existsSync(file)) return {};
  return (JSON.parse(readFileSync(file, 'utf8')) as { releases: Record<string, string> }).releases;
}

const versionAt = (packageRoot: string): string | undefined => {
  try {
    return (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { name?: string; version?: string }).version;
  } catch {
    return undefined;
  }
};

/** A generator of `version` that can already run, without building anything. */
function installedGenerator(version: string, projectRoot: string): string | undefined {
  const own = generatorRoot();
  const candidates = [own, path.join(projectRoot, 'node_modules', 'create-prod-api'), path.join(own, '.releases', version)];
  const found = candidates.find((root) => versionAt(root) === version && existsSync(path.join(root, 'dist', 'cli.js')));
  return found && path.join(found, BIN);
}

/**
 * The bin of create-prod-api `version`, building it from this clone's history when only that has it. `onBuild` is
 * told first (it takes a while: the release's own dependencies are installed).
 */
export async function generatorFor(version: string, projectRoot: string, onBuild: (what: string) => void): Promise<string> {
  const installed = installedGenerator(version, projectRoot);
  if (installed) return installed;
  const root = generatorRoot();
  const commit = releases(root)[version];
  const isClone = existsSync(path.join(root, '.git'));
  if (!commit || !isClone) {
    throw new UsageError(
      `This project was made by create-prod-api ${version}, which is needed to rebuild what it generated, and it is not installed: ` +
        `run \`npm install\` in the project (its devDependencies name that version), or run this upgrade from a clone of create-prod-api ` +
        `whose ${RELEASES_FILE} lists ${version}.`,
    );
  }
  onBuild(`Building create-prod-api ${version} from this clone (commit ${commit.slice(0, 7)}), once: it is kept in .releases/${version}`);
  await buildRelease(root, version, commit);
  return path.join(root, '.releases', version, BIN);
}

async function buildRelease(root: string, version: string, commit: string): Promise<void> {
  const target = path.join(root, '.releases', version);
  // a folder of its own: two upgrades building the same release at once each finish, and the first one's stays
  const work = `${target}.partial-${process.pid}`;
  const step = async (what: string, file: string, args: string[], cwd: string) => {
    try {
      await execFileAsync(file, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const output =
        error && typeof error === 'object'
          ? `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`
          : '';
      throw new StepFailedError(`Building create-prod-api ${version} failed while ${what}:\n${tail(output)}`);
    }
  };
  try {
    await execFileAsync('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: root });
  } catch {
    throw new UsageError(
      `This clone does not have commit ${commit} (create-prod-api ${version}): fetch the full history (git fetch --unshallow), then run the upgrade again.`,
    );
  }
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    await step('taking its files from git', 'git', ['archive', '--output', path.join(work, 'release.tar'), commit], root);
    await step('unpacking them', 'tar', ['-xf', 'release.tar'], work);
    await rm(path.join(work, 'release.tar'));
    // Its own locked runtime dependencies: Prettier's and ts-morph's versions decide the bytes it writes. Nothing
    // runs at install; the compiler and the types come from this clone's node_modules, found by walking up.
    await step('installing its dependencies', 'npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], work);
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    if (!existsSync(tsc))
      throw new UsageError(`Building create-prod-api ${version} needs this clone's dev dependencies: run \`npm ci\` in ${root} first.`);
    await step('compiling it', process.execPath, [tsc, '-p', 'tsconfig.build.json'], work);
    if (versionAt(work) !== version)
      throw new StepFailedError(
        `Commit ${commit} of ${RELEASES_FILE} is not create-prod-api ${version}: its package.json says ${versionAt(work)}.`,
      );
    if (existsSync(path.join(target, 'dist', 'cli.js'))) await rm(work, { recursive: true, force: true });
    else {
      await rm(target, { recursive: true, force: true });
      await rename(work, target);
    }
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}
