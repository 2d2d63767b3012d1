// `upgrade`, as a user runs it: a project made by create-prod-api 0.1.0 (built
// from this repository's history, as releases.json says) and grown by every kind
// of command, upgraded by this version. Unedited, it becomes exactly what this
// version makes of the same log; edited (fixtures/upgrade/user-edits.patch), it
// gets exactly the expected merges and conflicts, in the files and in git's index;
// and every refusal, --abort, --dry-run, --check and --restore does what it says.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayLog } from '../../src/upgrade/replay.js';
import { specFor } from '../../src/util/package-info.js';
import { ROOT, assertBuilt, runCli, snapshotTree, tempDir } from './helpers.js';
import { GROW_BARE, NEW, OLD, USER_EDITS as PATCH, git, makeOldProject } from './old-project.js';

let made: string;

beforeAll(async () => {
  assertBuilt();
  made = await makeOldProject();
}, 180_000);

/** A copy of the project made by 0.1.0, its git history included. */
async function project(from = made): Promise<string> {
  const dir = path.join(await tempDir('cpa-upgrade-copy-'), path.basename(from));
  await cp(from, dir, { recursive: true });
  return dir;
}

/** The project's files now, and what this version makes of its log in a folder of its own: what an unedited upgrade must give. */
async function upgradedAndFresh(dir: string): Promise<[Map<string, string>, Map<string, string>, Record<string, string>]> {
  const { log } = await manifestOf(dir);
  const fresh = await replayLog(log, { bin: path.join(ROOT, 'bin/create-prod-api.js'), version: NEW, spec: specFor(ROOT, dir, NEW) });
  const upgraded = await files(dir);
  upgraded.delete('create-prod-api.json');
  return [upgraded, new Map([...fresh.files].filter(([file]) => !file.startsWith('drizzle/'))), fresh.manifest.files ?? {}];
}

const upgrade = (dir: string, ...flags: string[]) => runCli(['upgrade', ...flags], { cwd: dir });
const manifestOf = async (dir: string) =>
  JSON.parse(await readFile(path.join(dir, 'create-prod-api.json'), 'utf8')) as {
    generatorVersion: string;
    log: { command: string; args: string[] }[];
    files: Record<string, string>;
  };
const status = (dir: string) => git(dir, 'status', '--porcelain').split('\n').filter(Boolean).sort();
/** What the tests compare: every file but git's, .env (the project's own secret) and the migrations (append-only). */
const files = async (dir: string) =>
  new Map([...(await snapshotTree(dir))].filter(([file]) => !file.startsWith('.git/') && file !== '.env' && !file.startsWith('drizzle/')));

describe('upgrade of an unedited project', () => {
  let dir: string;
  let result: Awaited<ReturnType<typeof upgrade>>;
  beforeAll(async () => {
    dir = await project();
    result = await upgrade(dir);
  }, 120_000);

  it('exits 0 and makes the project what this version makes of the same log, byte for byte', async () => {
    expect(result.exitCode, result.stderr).toBe(0);
    const { log } = await manifestOf(made);
    const [upgraded, fresh, freshHashes] = await upgradedAndFresh(dir);
    expect(upgraded).toEqual(fresh);
    // the manifest: this version, the same log with the upgrade after it, the new output's hashes
    const manifest = await manifestOf(dir);
    expect(manifest.generatorVersion).toBe(NEW);
    expect(manifest.log.map((entry) => entry.command)).toEqual([...log.map((entry) => entry.command), 'upgrade']);
    expect(manifest.log.at(-1)!.args).toEqual(['--from', OLD, '--to', NEW]);
    for (const [file, hash] of Object.entries(freshHashes))
      if (!file.startsWith('drizzle/')) expect({ file, hash: manifest.files[file] }).toEqual({ file, hash });
  });

  it('reports what it updated, and the migrations stay as they were', async () => {
    expect(result.stdout).toContain(`Upgraded ${OLD} -> ${NEW}`);
    expect(result.stdout).toMatch(/updated \(you had not changed them\)/);
    expect(status(dir).filter((line) => line.includes('drizzle/'))).toEqual([]);
  });

  it('a second upgrade changes nothing', async () => {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'upgraded');
    const again = await upgrade(dir);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('Nothing to upgrade');
    expect(status(dir)).toEqual([]);
  }, 60_000);

  it('--check passes once the project records the installed version', async () => {
    const check = await upgrade(dir, '--check');
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stdout).toContain(`up to date with the installed create-prod-api ${NEW}`);
  });
});

it('a project without auth or examples (--auth none --no-example), grown by add-resource, upgrades to exactly a fresh replay', async () => {
  const bare = await makeOldProject({
    name: 'bare',
    flags: ['--auth', 'none', '--no-example'],
    grow: GROW_BARE,
  });
  const result = await upgrade(bare);
  expect(result.exitCode, result.stderr).toBe(0);
  const [upgraded, fresh] = await upgradedAndFresh(bare);
  expect(upgraded).toEqual(fresh);
}, 120_000);

describe('upgrade of an edited project', () => {
  let dir: string;
  let result: Awaited<ReturnType<typeof upgrade>>;
  beforeAll(async () => {
    dir = await project();
    git(dir, 'apply', PATCH);
    // a file the owner deleted, and a route of their own
    await rm(path.join(dir, '.github/workflows/ci.yml'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'our edits');
    result = await upgrade(dir);
  }, 120_000);

  it('exits 3 naming the one conflict: the same lines of core changed on both sides', () => {
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toContain('1 file with conflicts: src/core/validation.ts.');
    expect(result.stderr).toContain('upgrade --continue');
  });

  it('the conflict is in the file as diff3 markers, labelled by side, and in git as stages 1-3', async () => {
    const text = await readFile(path.join(dir, 'src/core/validation.ts'), 'utf8');
    expect(text).toContain('<<<<<<< your project\n  const errors = {} as FieldErrors; // filled below\n');
    expect(text).toContain(`||||||| create-prod-api ${OLD}\n  const errors: FieldErrors = {};\n`);
    expect(text).toContain(`=======\n  // no prototype: a field may be named`);
    expect(text).toContain(`>>>>>>> create-prod-api ${NEW}\n`);
    // the owner's edit further up the same file merged without a conflict
    expect(text).toContain("return 'Must be true or false.';");
    const stages = git(dir, 'ls-files', '--unmerged', '--', 'src/core/validation.ts')
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[2]);
    expect(stages).toEqual(['1', '2', '3']);
    expect(status(dir)).toContain('UU src/core/validation.ts');
  });

  it("merges the owner's edits with the new version elsewhere: package.json key by key, the README by lines", async () => {
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.dependencies.dayjs).toBe('^1.11.13');
    expect(pkg.devDependencies['create-prod-api']).toBe(specFor(ROOT, dir, NEW));
    const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('Our shop API.');
    expect(readme).toContain('## Upgrade to a later create-prod-api');
    expect(result.stdout).toMatch(
      /merged with your changes \(3\):[\s│]+README\.md[\s│]+package\.json[\s│]+src\/adapters\/http\/fastify\/native\.ts/,
    );
  });

  it('keeps the deleted file deleted and names it; keeps the hand-written route, the new comment merged above it', async () => {
    expect(existsSync(path.join(dir, '.github/workflows/ci.yml'))).toBe(false);
    expect(result.stdout).toMatch(/kept deleted \(upgrade --restore <path> brings one back\) \(1\):[\s│]+\.github\/workflows\/ci\.yml/);
    const native = (await files(dir)).get('src/adapters/http/fastify/native.ts')!;
    expect(native).toContain("app.get('/api/v1/reports/daily', { preHandler: guard({ access: 'staff' }) }, async () => ({ orders: 0 }));");
    expect(native).toContain('applies to the generated routes too');
    expect(native).not.toMatch(/^[<=>]{7}/m);
  });

  it('refuses to start another upgrade, or to continue, while markers remain', async () => {
    const again = await upgrade(dir);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain(`An upgrade from create-prod-api ${OLD} to ${NEW} is in progress`);
    const early = await upgrade(dir, '--continue');
    expect(early.exitCode).toBe(2);
    expect(early.stderr).toContain('Conflict markers remain in src/core/validation.ts');
  }, 60_000);

  it('after the conflict is resolved, --continue finishes: exit 0, the manifest at the new version, nothing unmerged', async () => {
    const file = path.join(dir, 'src/core/validation.ts');
    const text = await readFile(file, 'utf8');
    // the scripted resolution: the new version's side of the block
    await writeFile(file, text.replace(/<<<<<<< your project\n[\s\S]*?=======\n([\s\S]*?)>>>>>>> create-prod-api [^\n]+\n/, '$1'));
    const done = await upgrade(dir, '--continue');
    expect(done.exitCode, done.stderr).toBe(0);
    expect(git(dir, 'ls-files', '--unmerged')).toBe('');
    expect((await manifestOf(dir)).generatorVersion).toBe(NEW);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'upgraded');
    const second = await upgrade(dir);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(status(dir)).toEqual([]);
  }, 60_000);
});

describe('--abort, --dry-run, --restore', () => {
  it('--abort puts every file and the index back as they were before the upgrade', async () => {
    const dir = await project();
    git(dir, 'apply', PATCH);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'our edits');
    const before = await snapshotTree(dir).then((tree) => new Map([...tree].filter(([file]) => !file.startsWith('.git/'))));
    expect((await upgrade(dir)).exitCode).toBe(3);
    const aborted = await upgrade(dir, '--abort');
    expect(aborted.exitCode, aborted.stderr).toBe(0);
    expect(await snapshotTree(dir).then((tree) => new Map([...tree].filter(([file]) => !file.startsWith('.git/'))))).toEqual(before);
    expect(status(dir)).toEqual([]);
    expect((await upgrade(dir, '--abort')).stderr).toContain('No upgrade is in progress');
  }, 120_000);

  it('--dry-run prints the diff and writes nothing', async () => {
    const dir = await project();
    const before = await snapshotTree(dir);
    const dry = await upgrade(dir, '--dry-run');
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('--- a/src/core/validation.ts\n+++ b/src/core/validation.ts');
    expect(dry.stdout).toContain('+  // no prototype: a field may be named');
    expect(dry.stdout).toContain('Dry run: nothing was written.');
    expect(await snapshotTree(dir)).toEqual(before);
  }, 120_000);

  it('--restore brings back a generated file the owner deleted, as the new version writes it', async () => {
    const dir = await project();
    await rm(path.join(dir, '.github/workflows/ci.yml'));
    git(dir, 'commit', '-qam', 'no CI of theirs');
    const restored = await upgrade(dir, '--restore', '.github/workflows/ci.yml');
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await readFile(path.join(dir, '.github/workflows/ci.yml'), 'utf8')).toContain('create-prod-api upgrade --check');
    const unknown = await upgrade(dir, '--restore', 'src/nothing.ts');
    expect(unknown.exitCode).toBe(2);
  }, 120_000);
});

describe('refusals: exit 2, nothing written', () => {
  // git's own files change on any status (the index's stat cache): the project's are what must not
  const projectFiles = async (dir: string) => new Map([...(await snapshotTree(dir))].filter(([file]) => !file.startsWith('.git/')));
  const refused = async (dir: string, flags: string[], message: string | RegExp) => {
    const before = await projectFiles(dir);
    const result = await upgrade(dir, ...flags);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(await projectFiles(dir)).toEqual(before);
  };

  it('a dirty tree', async () => {
    const dir = await project();
    await writeFile(path.join(dir, 'src/mine.ts'), 'export const mine = 1;\n');
    await refused(dir, [], /uncommitted changes \(src\/mine\.ts\)/);
  });

  it('a project that is not a git repository', async () => {
    const dir = await project();
    await rm(path.join(dir, '.git'), { recursive: true });
    await refused(dir, [], /not a git repository with a commit/);
  });

  it("unresolved git conflicts of the owner's own", async () => {
    const dir = await project();
    const blob = git(dir, 'hash-object', '-w', 'README.md').trim();
    execFileSync('git', ['update-index', '--index-info'], {
      cwd: dir,
      input: `0 ${'0'.repeat(40)}\tREADME.md\n100644 ${blob} 2\tREADME.md\n100644 ${blob} 3\tREADME.md\n`,
    });
    await refused(dir, [], /git has unresolved conflicts \(README\.md\)/);
  });

  it('a downgrade', async () => {
    const dir = await project();
    const file = path.join(dir, 'create-prod-api.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace(`"generatorVersion": "${OLD}"`, '"generatorVersion": "99.0.0"'));
    git(dir, 'commit', '-qam', 'from the future');
    await refused(dir, [], /made by create-prod-api 99\.0\.0, newer than this/);
  });

  it('a base that does not match the recorded hashes', async () => {
    const dir = await project();
    const file = path.join(dir, 'create-prod-api.json');
    const manifest = JSON.parse(await readFile(file, 'utf8')) as { files: Record<string, string> };
    manifest.files['src/app.ts'] = '0'.repeat(64);
    await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
    git(dir, 'commit', '-qam', 'tampered');
    await refused(dir, [], /does not give the files it recorded \(src\/app\.ts\)/);
  }, 60_000);

  it('a folder that is not a generated project, and flags that do not go together', async () => {
    await refused(await tempDir('cpa-upgrade-none-'), [], /is not a project made by create-prod-api/);
    await refused(await project(), ['--continue', '--abort'], /cannot be used together/);
    await refused(await project(), ['--continue'], /No upgrade is in progress/);
  });

  it('Ctrl-C while the log replays: exit 130, "Cancelled.", nothing written', async () => {
    const dir = await project();
    const before = await projectFiles(dir);
    const child = upgrade(dir);
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('Replaying') && resolve()));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(130);
    expect(result.stderr).toContain('Cancelled. Nothing was written.');
    expect(await projectFiles(dir)).toEqual(before);
    expect(status(dir)).toEqual([]);
  }, 60_000);

  it('--check fails (exit 1) while the installed generator is newer than the project', async () => {
    const check = await upgrade(await project(), '--check');
    expect(check.exitCode).toBe(1);
    expect(check.stderr).toContain(`made by create-prod-api ${OLD}, and ${NEW} is installed: run \`npx create-prod-api upgrade\``);
  });
});
