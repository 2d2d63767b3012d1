// The terminal, through clack only. Every call writes to one output stream
// (injectable for tests). Non-TTY output gets plain lines: clack's colours
// already follow the stream, and its spinner switches to "accessible" mode,
// which prints lines instead of redrawing with cursor codes.
import * as clack from '@clack/prompts';
import type { Writable } from 'node:stream';

export interface Spinner {
  start(message: string): void;
  stop(message: string): void;
  error(message: string): void;
  readonly isCancelled: boolean;
}

export interface Ui {
  readonly output: Writable;
  readonly tty: boolean;
  intro(title: string): void;
  outro(message: string): void;
  note(message: string, title?: string): void;
  info(message: string): void;
  warn(message: string): void;
  success(message: string): void;
  message(message: string): void;
  /** A spinner that shows elapsed time (and "Cancelled." on Ctrl-C, the word every other message uses). */
  spinner(): Spinner;
}

export function createUi(output: Writable = process.stdout): Ui {
  const tty = clack.isTTY(output);
  const opts = { output };
  return {
    output,
    tty,
    intro: (title) => clack.intro(title, opts),
    outro: (message) => clack.outro(message, opts),
    note: (message, title) => clack.note(message, title, opts),
    info: (message) => clack.log.info(message, opts),
    warn: (message) => clack.log.warn(message, opts),
    success: (message) => clack.log.success(message, opts),
    message: (message) => clack.log.message(message, opts),
    spinner: () => clack.spinner({ output, indicator: 'timer', accessible: !tty, cancelMessage: 'Cancelled.' }),
  };
}
