// The interactive path, in-process: keystrokes go through an injected input
// stream that claims to be a TTY, the screen is read from the output stream.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CancelledError, UsageError } from '../../src/errors.js';
import { askForMissing, isInteractive, type PromptRequest } from '../../src/prompts.js';
import { tempDir } from './helpers.js';

const ENTER = '\r';
const DOWN = '\u001b[B';
const CTRL_C = '\u0003';

/** An input stream that passes for a terminal (clack puts TTYs into raw mode). */
function ttyInput(): PassThrough & { isTTY: true } {
  const input: PassThrough & { isTTY: true; setRawMode?: () => void } = Object.assign(new PassThrough(), { isTTY: true as const });
  input.setRawMode = () => undefined;
  return input;
}

/** A fake terminal: `answer(question, keys)` waits for the question, then types. */
function terminal() {
  const input = ttyInput();
  const output = new PassThrough();
  let screen = '';
  let mark = 0;
  output.on('data', (chunk: Buffer) => (screen += chunk.toString()));

  async function answer(question: string, keys: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!screen.slice(mark).includes(question)) {
      if (Date.now() > deadline) throw new Error(`Never asked "${question}". Screen:\n${screen.slice(mark)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    mark = screen.length;
    for (const key of keys.match(/\u001b\[.|./gsu) ?? []) input.write(key);
  }
  return { input, output, answer, screen: () => screen };
}

async function ask(request: Omit<PromptRequest, 'input' | 'output'>, drive: (t: ReturnType<typeof terminal>) => Promise<void>) {
  const t = terminal();
  const pending = askForMissing({ env: {}, ...request, input: t.input, output: t.output });
  // Surface a rejection (e.g. a cancel) even while the driver is still waiting.
  const driven = drive(t);
  const result = await Promise.race([pending, driven.then(() => pending)]);
  return { result, screen: t.screen() };
}

describe('isInteractive', () => {
  it('asks only a TTY, and never with --yes', () => {
    const tty = ttyInput();
    expect(isInteractive(undefined, tty)).toBe(true);
    expect(isInteractive(true, tty)).toBe(false);
    expect(isInteractive(undefined, new PassThrough())).toBe(false);
  });
});

describe('prompts', () => {
  it('asks for the directory and every open option; Enter takes the defaults', async () => {
    const cwd = await tempDir();
    const { result, screen } = await ask({ given: {}, cwd }, async (t) => {
      await t.answer('Where should the project go?', `shop-api${ENTER}`);
      await t.answer('Which HTTP framework?', ENTER);
      await t.answer('Which database?', ENTER);
      await t.answer('Authentication?', ENTER);
      await t.answer('Default pagination for new resources?', ENTER);
      await t.answer('Add the example resources', ENTER);
      await t.answer('Add API keys', ENTER);
      await t.answer('Install dependencies?', ENTER);
      await t.answer('Initialize a git repository?', ENTER);
      await t.answer('Create it?', ENTER);
    });
    expect(result).toEqual({
      directory: 'shop-api',
      options: {
        framework: 'fastify',
        database: 'sqlite',
        auth: 'jwt',
        pagination: 'cursor',
        example: true,
        apiKeys: false,
        packageManager: 'npm',
        install: true,
        git: true,
        yes: false,
        dryRun: false,
        force: false,
      },
    });
    expect(screen).toContain('Express');
    expect(screen).toContain('Hono');
    // what will be written, shown before it is
    expect(screen).toMatch(/directory\s+shop-api/);
    expect(screen).toMatch(/framework\s+fastify/);
    expect(screen).toMatch(/example\s+yes/);
  });

  it('answering no to "Create it?" writes nothing: Cancelled', async () => {
    const cwd = await tempDir();
    const all = {
      framework: 'fastify',
      database: 'sqlite',
      auth: 'jwt',
      pagination: 'cursor',
      example: true,
      apiKeys: false,
      install: false,
    } as const;
    const attempt = ask({ directory: 'api', given: all, cwd }, async (t) => {
      await t.answer('Initialize a git repository?', ENTER);
      await t.answer('Create it?', 'n');
    });
    await expect(attempt).rejects.toThrow(CancelledError);
  });

  it('moving down picks another framework', async () => {
    const cwd = await tempDir();
    const { result } = await ask(
      {
        directory: 'api',
        given: { database: 'sqlite', auth: 'jwt', pagination: 'cursor', example: true, apiKeys: false, install: false, git: false },
        cwd,
      },
      async (t) => {
        await t.answer('Which HTTP framework?', `${DOWN}${DOWN}${ENTER}`);
        await t.answer('Create it?', ENTER);
      },
    );
    expect(result.options.framework).toBe('hono');
  });

  it('asks only what flags left open, and no example question with auth none', async () => {
    const cwd = await tempDir();
    const { result, screen } = await ask(
      { directory: 'api', given: { framework: 'fastify', database: 'sqlite', git: false }, cwd },
      async (t) => {
        await t.answer('Authentication?', `${DOWN}${DOWN}${ENTER}`);
        await t.answer('Default pagination for new resources?', `${DOWN}${ENTER}`);
        await t.answer('Install dependencies?', 'n');
        await t.answer('Create it?', ENTER);
      },
    );
    expect(result.options).toMatchObject({ auth: 'none', pagination: 'offset', example: false, install: false, git: false });
    expect(screen).not.toContain('Which HTTP framework?');
    expect(screen).not.toContain('Where should the project go?');
    expect(screen).not.toContain('example resources');
  });

  it('refuses an invalid name at the directory prompt and lets the user retype', async () => {
    const cwd = await tempDir();
    await mkdir(path.join(cwd, 'taken'));
    await writeFile(path.join(cwd, 'taken/file.txt'), 'x');
    const all = {
      framework: 'fastify',
      database: 'sqlite',
      auth: 'jwt',
      pagination: 'cursor',
      example: true,
      apiKeys: false,
      install: false,
      git: false,
    } as const;
    const { result, screen } = await ask({ given: all, cwd }, async (t) => {
      await t.answer('Where should the project go?', `My API${ENTER}`);
      await t.answer('try "my-api"', `${'\u007f'.repeat(6)}taken${ENTER}`);
      await t.answer('--force', `${'\u007f'.repeat(5)}my-api${ENTER}`);
      await t.answer('Create it?', ENTER);
    });
    expect(screen).toContain('capital letters');
    expect(result.directory).toBe('my-api');
  });

  it('Ctrl-C at a prompt rejects with Cancelled', async () => {
    const cwd = await tempDir();
    const attempt = ask({ directory: 'api', given: {}, cwd }, async (t) => {
      await t.answer('Which HTTP framework?', ENTER);
      await t.answer('Which database?', CTRL_C);
    });
    await expect(attempt).rejects.toThrow(CancelledError);
    await expect(attempt).rejects.toThrow('Cancelled.');
  });

  it('Ctrl-C at the directory prompt rejects with Cancelled', async () => {
    const cwd = await tempDir();
    await expect(ask({ given: {}, cwd }, (t) => t.answer('Where should the project go?', CTRL_C))).rejects.toThrow(CancelledError);
  });

  it('an answer that contradicts a flag is a usage error', async () => {
    const cwd = await tempDir();
    const attempt = ask({ directory: 'api', given: { framework: 'fastify', database: 'sqlite', example: true }, cwd }, async (t) => {
      await t.answer('Authentication?', `${DOWN}${DOWN}${ENTER}`);
    });
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow('--example needs --auth jwt or oidc');
  });

  it('non-interactive: defaults, and a directory is required', async () => {
    const cwd = await tempDir();
    const input = new PassThrough();
    const output = new PassThrough();
    const answers = await askForMissing({
      directory: 'api',
      given: { auth: 'none' },
      env: { npm_config_user_agent: 'yarn/1.22.19 npm/? node/v20' },
      cwd,
      input,
      output,
    });
    expect(answers.options).toMatchObject({ framework: 'fastify', auth: 'none', example: false, packageManager: 'yarn', install: true });
    await expect(askForMissing({ given: {}, cwd, input, output })).rejects.toThrow(UsageError);
    await expect(askForMissing({ given: { yes: true }, cwd, input: ttyInput(), output })).rejects.toThrow(/Missing the project directory/);
  });
});
