// How a planned change is formatted: with the project's own Prettier settings,
// new files always, a changed file only if it was Prettier-clean before, so a
// user's hand layout survives. Runs inside the formatter's worker thread.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import type { FileChange } from './changes.js';

export class ProjectFormatter {
  /** Whether a file's text was Prettier-clean, asked ahead of time (see precheck). */
  readonly #checks = new Map<string, { text: string; clean: Promise<boolean> }>();

  constructor(readonly root: string) {}

  /**
   * Checks files the edit is about to change while the plan is still being made:
   * their answers are ready when the change is, and Prettier's code is warmed up
   * on the project's own code (its first run is several times slower).
   */
  async precheck(relPaths: readonly string[]): Promise<void> {
    await Promise.all(
      relPaths.map(async (relPath) => {
        const text = await readFile(path.join(this.root, relPath), 'utf8').catch(() => null);
        if (text === null) return;
        const clean = this.#options(relPath).then((options) => prettier.check(text, options));
        this.#checks.set(relPath, { text, clean });
        await clean.catch(() => undefined); // a file Prettier cannot parse fails the format of that file, not this
      }),
    );
  }

  async format(change: FileChange): Promise<FileChange> {
    try {
      const options = await this.#options(change.path);
      if (change.before !== null && !(await this.#wasClean(change.path, change.before, options))) return change;
      return { ...change, after: await prettier.format(change.after, options) };
    } catch (error) {
      throw new Error(`${change.path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  #wasClean(relPath: string, before: string, options: prettier.Options): Promise<boolean> {
    const early = this.#checks.get(relPath);
    return early?.text === before ? early.clean : prettier.check(before, options);
  }

  async #options(relPath: string): Promise<prettier.Options> {
    const filepath = path.join(this.root, relPath);
    return { ...(await prettier.resolveConfig(filepath)), filepath };
  }
}
