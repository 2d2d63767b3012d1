// Spawns the built binary, non-interactively (stdin is not a TTY).
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANSI, assertBuilt, cleanEnv, fakeBin, runCli, tempDir } from './helpers.js';

beforeAll(assertBuilt);

describe('create: success', () => {
  it('--yes --no-install --no-git writes a project and prints next steps, without ANSI codes', async () => {
    const cwd = await tempDir();
    const result = await runCli(['shop-api', '--yes', '--no-install', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(path.join(cwd, 'shop-api/package.json'))).toBe(true);
    expect(existsSync(path.join(cwd, 'shop-api/.git'))).toBe(false);
    expect(result.stdout).toContain('Next steps');
    expect(result.stdout).toContain('cd shop-api');
    expect(result.stdout).toContain('npm install');
    expect(result.stdout).toContain('npm run dev');
    expect(result.stdout).toContain('npm run test');
    expect(result.stdout).not.toMatch(ANSI);
    expect(result.stderr).toBe('');
  });

  it('uses the package manager that ran it in the next steps', async () => {
    const cwd = await tempDir();
    const env = cleanEnv({ npm_config_user_agent: 'pnpm/9.1.0 npm/? node/v20.12.0 linux x64' });
    const result = await runCli(['api', '--yes', '--no-install', '--no-git'], { cwd, env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('pnpm install');
    expect(result.stdout).toContain('pnpm dev');
  });

  it('"." writes into the current directory, named after it', async () => {
    const cwd = path.join(await tempDir(), 'dot-api');
    await mkdir(cwd);
    const result = await runCli(['.', '--yes', '--no-install', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    const pkg = JSON.parse(await readFile(path.join(cwd, 'package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe('dot-api');
    expect(result.stdout).not.toContain('cd .');
  });

  it('--dry-run lists the plan and writes nothing', async () => {
    const cwd = await tempDir();
    const result = await runCli(['shop-api', '--yes', '--dry-run'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/package\.json\s+[\d.]+ k?B/);
    expect(result.stdout).toContain('Nothing was written');
    expect(result.stdout).toContain('npm install');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('--dry-run --force shows what would be overwritten and changes nothing', async () => {
    const cwd = await tempDir();
    await mkdir(path.join(cwd, 'api'));
    await writeFile(path.join(cwd, 'api/package.json'), 'mine');
    const result = await runCli(['api', '--yes', '--dry-run', '--force'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/package\.json\s+[\d.]+ k?B\s+\(overwrite\)/);
    expect(await readdir(path.join(cwd, 'api'))).toEqual(['package.json']);
    expect(await readFile(path.join(cwd, 'api/package.json'), 'utf8')).toBe('mine');
  });

  it('writes a git-ignored .env with a JWT_SECRET of its own and the DATABASE_URL; never overwrites one', async () => {
    const cwd = await tempDir();
    expect((await runCli(['one', '--yes', '--no-install', '--no-git'], { cwd })).exitCode).toBe(0);
    expect((await runCli(['two', '--yes', '--no-install', '--no-git'], { cwd })).exitCode).toBe(0);
    const env = async (name: string) =>
      Object.fromEntries(
        (await readFile(path.join(cwd, name, '.env'), 'utf8'))
          .split('\n')
          .filter((line) => line && !line.startsWith('#'))
          .map((line) => line.split(/=(.*)/s).slice(0, 2)),
      ) as Record<string, string>;
    const [one, two] = [await env('one'), await env('two')];
    expect(one.DATABASE_URL).toBe('./data/db.sqlite');
    expect(one.JWT_SECRET).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(two.JWT_SECRET).not.toBe(one.JWT_SECRET);
    expect(await readFile(path.join(cwd, 'one/.gitignore'), 'utf8')).toMatch(/^\.env$/m);

    // a second run with --force over the same project keeps the .env it has
    const before = await readFile(path.join(cwd, 'one/.env'), 'utf8');
    const again = await runCli(['one', '--yes', '--no-install', '--no-git', '--force'], { cwd });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('Kept the .env that was there.');
    expect(await readFile(path.join(cwd, 'one/.env'), 'utf8')).toBe(before);
  });

  it('.env takes the DATABASE_URL given to create when it fits the database; without auth, no secret', async () => {
    const cwd = await tempDir();
    const url = 'postgres://app:secret@db.internal:5433/shop';
    const env = cleanEnv({ DATABASE_URL: url });
    expect((await runCli(['pg', '--yes', '--no-install', '--no-git', '--database', 'postgres'], { cwd, env })).exitCode).toBe(0);
    expect(await readFile(path.join(cwd, 'pg/.env'), 'utf8')).toContain(`DATABASE_URL=${url}\n`);
    // a URL for another database is not taken: the project's default is
    expect((await runCli(['my', '--yes', '--no-install', '--no-git', '--database', 'mysql'], { cwd, env })).exitCode).toBe(0);
    expect(await readFile(path.join(cwd, 'my/.env'), 'utf8')).toContain('DATABASE_URL=mysql://root:mysql@127.0.0.1:3306/my\n');
    expect((await runCli(['bare', '--yes', '--no-install', '--no-git', '--auth', 'none', '--no-example'], { cwd })).exitCode).toBe(0);
    expect(await readFile(path.join(cwd, 'bare/.env'), 'utf8')).not.toContain('JWT_SECRET');
  });

  it('--force writes into a non-empty directory, listing overwrites and deleting nothing', async () => {
    const cwd = await tempDir();
    await mkdir(path.join(cwd, 'api'));
    await writeFile(path.join(cwd, 'api/package.json'), 'mine');
    await writeFile(path.join(cwd, 'api/notes.txt'), 'keep me');
    const result = await runCli(['api', '--yes', '--force', '--no-install', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Overwriting 1 existing file: package.json');
    expect(await readFile(path.join(cwd, 'api/notes.txt'), 'utf8')).toBe('keep me');
    expect(await readFile(path.join(cwd, 'api/package.json'), 'utf8')).not.toBe('mine');
  });

  it('--version prints the package version; --help lists the options and exits 0', async () => {
    const cwd = await tempDir();
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v', '-V']) {
      const version = await runCli([flag], { cwd });
      expect(version.exitCode, flag).toBe(0);
      expect(version.stdout.trim()).toBe(pkg.version);
    }
    // help for a subcommand, the way other CLIs answer it
    const subcommandHelp = await runCli(['help', 'add-resource'], { cwd });
    expect(subcommandHelp.exitCode).toBe(0);
    expect(subcommandHelp.stdout).toContain('Usage: create-prod-api add-resource [options] <name>');
    expect(subcommandHelp.stdout).toContain('--fields');
    expect(await readdir(cwd)).toEqual([]);
    const help = await runCli(['--help'], { cwd });
    expect(help.exitCode).toBe(0);
    for (const flag of [
      '--framework',
      '--database',
      '--auth',
      '--pagination',
      '--no-example',
      '--package-manager',
      '--no-install',
      '--no-git',
      '--yes',
      '--dry-run',
      '--force',
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });
});

describe('create: usage errors exit 2 and write nothing', () => {
  async function refused(args: string[], setup?: (cwd: string) => Promise<void>) {
    const cwd = await tempDir();
    await setup?.(cwd);
    const before = await readdir(cwd);
    const result = await runCli(args, { cwd });
    expect(result.exitCode, result.stdout + result.stderr).toBe(2);
    expect(await readdir(cwd)).toEqual(before);
    expect(result.stderr).not.toMatch(ANSI);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    return result;
  }

  it('a bad value lists the allowed values', async () => {
    const { stderr } = await refused(['api', '--yes', '--framework', 'koa']);
    expect(stderr).toContain('fastify, express, hono');
  });

  it('--example with --auth none says why', async () => {
    const { stderr } = await refused(['api', '--yes', '--auth', 'none', '--example']);
    expect(stderr).toContain('--example needs --auth jwt or oidc');
    expect(stderr).toContain('orders belong to users');
  });

  it('an invalid package name gives the reason and a suggestion', async () => {
    const { stderr } = await refused(['My API', '--yes']);
    expect(stderr).toContain('capital letters');
    expect(stderr).toContain('try "my-api"');
  });

  it('a non-empty directory without --force names the directory and --force', async () => {
    const { stderr } = await refused(['api', '--yes'], async (cwd) => {
      await mkdir(path.join(cwd, 'api'));
      await writeFile(path.join(cwd, 'api/keep.txt'), 'x');
    });
    expect(stderr).toMatch(/api is not empty/);
    expect(stderr).toContain('--force');
  });

  it('an unknown flag', async () => {
    const { stderr } = await refused(['api', '--yes', '--fraemwork', 'fastify']);
    expect(stderr).toContain("unknown option '--fraemwork'");
  });

  it('--api-keys with --auth none says why', async () => {
    const { stderr } = await refused(['api', '--yes', '--auth', 'none', '--api-keys', '--no-example']);
    expect(stderr).toContain("--api-keys needs --auth jwt or oidc: a key acts as one of the API's users");
  });

  it('a command a typo away is not a project name: did you mean, whatever follows it', async () => {
    for (const [typed, meant, rest] of [
      ['add-resorce', 'add-resource', ['pets', '--fields', 'name:string']],
      ['add-resorce', 'add-resource', []],
      ['upgarde', 'upgrade', []],
      ['rename-feild', 'rename-field', ['products', 'a', 'b']],
    ] as const) {
      const { stderr } = await refused([typed, ...rest]);
      expect(stderr.trim()).toBe(
        `error: unknown command "${typed}"; did you mean ${meant}? (To create a project with that name, give its path: ./${typed})`,
      );
    }
    // by its path, a project may still have such a name
    expect((await runCli(['./add-resorce', '--yes', '--dry-run'], { cwd: await tempDir() })).exitCode).toBe(0);
  });

  it('no directory when nothing can ask for one', async () => {
    const { stderr } = await refused(['--yes']);
    expect(stderr).toContain('Missing the project directory');
  });
});

describe('create: post steps', () => {
  it('a failed install exits 1, keeps the files and says how to finish', async () => {
    const cwd = await tempDir();
    const bin = await fakeBin('pnpm', 'echo "ERR_PNPM_FAKE the registry is on fire" >&2\nexit 1');
    const env = cleanEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}` });
    const result = await runCli(['api', '--yes', '--package-manager', 'pnpm', '--no-git'], { cwd, env });
    expect(result.exitCode).toBe(1);
    expect(existsSync(path.join(cwd, 'api/package.json'))).toBe(true);
    expect(result.stderr).toContain('Dependencies were not installed: pnpm install failed (exit code 1)');
    expect(result.stderr).toContain('the registry is on fire');
    expect(result.stderr).toMatch(/Finish by hand:\n\s+cd api\n\s+pnpm install/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a failed install also lists the git step still to do', async () => {
    const cwd = await tempDir();
    const bin = await fakeBin('yarn', 'exit 3');
    const env = cleanEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}` });
    const result = await runCli(['api', '--yes', '--package-manager', 'yarn'], { cwd, env });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/\n\s+yarn\n\s+git init && git add -A && git commit/);
  });

  it('Ctrl-C during install exits 130 with "Cancelled." and keeps the files', async () => {
    const cwd = await tempDir();
    const bin = await fakeBin('bun', 'exec sleep 30');
    const env = cleanEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}` });
    const child = runCli(['api', '--yes', '--package-manager', 'bun', '--no-git'], { cwd, env });
    let seen = '';
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('Installing dependencies')) resolve();
      });
    });
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/^Cancelled\./);
    expect(result.stderr).toContain('bun install');
    expect(existsSync(path.join(cwd, 'api/package.json'))).toBe(true);
  });

  it('installs with the chosen package manager, with a timed step', async () => {
    const cwd = await tempDir();
    const bin = await fakeBin('pnpm', 'echo installed > installed.txt');
    const env = cleanEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}` });
    const result = await runCli(['api', '--yes', '--package-manager', 'pnpm', '--no-git'], { cwd, env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(path.join(cwd, 'api/installed.txt'))).toBe(true);
    expect(result.stdout).toMatch(/Installed dependencies \[\d+s\]/);
    // Installed: the next steps no longer say to install.
    expect(result.stdout).not.toMatch(/^\W*pnpm install\W*$/m);
    expect(result.stdout).not.toMatch(ANSI);
  });

  it('git init + first commit, even without a configured git identity', async () => {
    const cwd = await tempDir();
    const home = await tempDir('cpa-home-');
    const env = cleanEnv({ HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: '1' });
    const result = await runCli(['api', '--yes', '--no-install'], { cwd, env });
    expect(result.exitCode, result.stderr).toBe(0);
    const log = await execa('git', ['log', '--oneline'], { cwd: path.join(cwd, 'api'), env });
    expect(log.stdout).toContain('Initial commit from create-prod-api');
    const status = await execa('git', ['status', '--porcelain'], { cwd: path.join(cwd, 'api'), env });
    expect(status.stdout).toBe('');
  });

  it('skips git, with a note, inside an existing repository', async () => {
    const cwd = await tempDir();
    await execa('git', ['init', '-q'], { cwd });
    const result = await runCli(['api', '--yes', '--no-install'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('already inside a git repository');
    expect(existsSync(path.join(cwd, 'api/.git'))).toBe(false);
  });

  it('skips git, with a note, when git is not installed', async () => {
    const cwd = await tempDir();
    const emptyBin = await tempDir('cpa-nobin-');
    const result = await runCli(['api', '--yes', '--no-install'], { cwd, env: cleanEnv({ PATH: emptyBin }) });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('git is not installed');
  });
});
