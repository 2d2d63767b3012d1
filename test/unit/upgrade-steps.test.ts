// The releases' upgrade steps (src/upgrade/migrations): which run for an upgrade, in which order, and what one does
// to a project, as an input/output fixture. The fixture's step (a renamed setting) is the kind a release would add.
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSteps, stepsBetween, STEPS, type UpgradeStep } from '../../src/upgrade/migrations/index.js';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/upgrade-steps');

const renameSetting = (version: string, from: string, to: string): UpgradeStep => ({
  version,
  description: `the setting ${from} is called ${to}`,
  async run(project) {
    const changed = new Map<string, string>();
    for (const relPath of await project.list()) {
      const text = await project.read(relPath);
      if (text?.includes(from)) changed.set(relPath, text.replaceAll(from, to));
    }
    return changed;
  },
});

describe('upgrade steps', () => {
  it("runs the steps of the releases after the project's version up to the new one, oldest first", () => {
    const steps = ['0.4.0', '0.2.0', '0.3.0', '0.1.0'].map((version) => renameSetting(version, 'A', 'B'));
    expect(stepsBetween('0.1.0', '0.3.0', steps).map((step) => step.version)).toEqual(['0.2.0', '0.3.0']);
    expect(stepsBetween('0.3.0', '0.3.0', steps)).toEqual([]);
  });

  it('every listed step belongs to a release no later than this one', async () => {
    const { version } = JSON.parse(await readFile(path.join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(stepsBetween('0.0.0', version)).toHaveLength(STEPS.length);
  });

  it("rename-setting: the fixture input becomes the output; later steps see earlier ones' changes", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cpa-steps-'));
    await cp(path.join(FIXTURES, 'rename-setting/input'), dir, { recursive: true });
    const { changes, lines } = await runSteps(dir, [
      renameSetting('0.3.0', 'THROTTLE_LOGIN', 'THROTTLE_AUTH'),
      renameSetting('0.4.0', 'THROTTLE_AUTH', 'THROTTLE_SIGNIN'),
    ]);
    for (const relPath of ['.env.example', 'src/jobs.ts']) {
      expect({ relPath, content: changes.get(relPath) }).toEqual({
        relPath,
        content: await readFile(path.join(FIXTURES, 'rename-setting/output', relPath), 'utf8'),
      });
    }
    expect(changes.has('src/untouched.ts')).toBe(false);
    expect(await readFile(path.join(FIXTURES, 'rename-setting/output/src/untouched.ts'), 'utf8')).toBe(
      await readFile(path.join(dir, 'src/untouched.ts'), 'utf8'),
    );
    expect(lines).toEqual([
      '0.3.0: the setting THROTTLE_LOGIN is called THROTTLE_AUTH (.env.example, src/jobs.ts)',
      '0.4.0: the setting THROTTLE_AUTH is called THROTTLE_SIGNIN (.env.example, src/jobs.ts)',
    ]);
  });
});
