import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, cleanEnv, fakeBin, tempDir } from './helpers.js';

// In a real terminal (tmux gives the CLI a pseudo-terminal): what a person sees and gets on Ctrl-C.
describe('in a terminal', () => {
  beforeAll(assertBuilt);

  it('Ctrl-C during the install: exit 130, "Cancelled.", the finish-by-hand lines, and the install stopped', async () => {
    const cwd = await tempDir();
    const bin = await fakeBin('bun', `echo $$ > ${JSON.stringify(path.join(cwd, 'install.pid'))}; exec sleep 30`);
    const session = `cpa-${randomBytes(4).toString('hex')}`;
    const exitFile = path.join(cwd, 'exit-code');
    // the shell stays a while after the CLI ends, so the screen can still be read
    const command = `PATH=${bin}:$PATH node ${BIN} api --yes --package-manager bun --no-git; echo $? > ${exitFile}; sleep 30`;
    const env = cleanEnv({ CI: '' });
    await execa('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '50', command], { cwd, env });
    const screen = async () => (await execa('tmux', ['capture-pane', '-p', '-t', session, '-S', '-200'])).stdout;
    const until = async (done: () => Promise<boolean> | boolean) => {
      for (let i = 0; i < 150 && !(await done()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    };
    try {
      await until(async () => (await screen()).includes('Installing dependencies') && existsSync(path.join(cwd, 'install.pid')));
      await execa('tmux', ['send-keys', '-t', session, 'C-c']);
      await until(() => existsSync(exitFile) && readFile(exitFile, 'utf8').then((text) => text.trim() !== ''));
      const shown = await screen();
      expect((await readFile(exitFile, 'utf8')).trim(), shown).toBe('130');
      expect(shown).toContain('Cancelled.');
      expect(shown).toMatch(/Finish by hand:\s+cd api\s+bun install/);
      expect(existsSync(path.join(cwd, 'api/package.json'))).toBe(true);
      // the install itself got the Ctrl-C too: nothing keeps running
      const pid = Number(await readFile(path.join(cwd, 'install.pid'), 'utf8'));
      expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      await execa('tmux', ['kill-session', '-t', session], { reject: false });
    }
  });
});
