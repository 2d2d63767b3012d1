// The terminal, through clack only. Every call writes to one output stream
// (injectable for tests). Non-TTY output gets plain lines: clack's colours
// already follow the stream, and its spinner switches to "accessible" mode,
// which prints lines instead of redrawing with cursor codes.
import * as clack from '@clack/prompts';
import type { Writable } from 'node:stream';
import { styleText } from 'node:util';

export interface Spinner {
  start(message: string): void;
  stop(message: string): void;
  error(message: string): void;
  /** ends it as cancelled (Ctrl-C seen by the step before the spinner's own signal handler) */
  cancel(message: string): void;
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
    spinner: () =>
      tty ? terminalSpinner(output) : clack.spinner({ output, indicator: 'timer', accessible: true, cancelMessage: 'Cancelled.' }),
  };
}

/**
 * The spinner in a terminal. Not clack's: to hide keystrokes it puts stdin in raw mode, where Ctrl-C is a key, not
 * a signal, and answers it with process.exit(0): the install it spins for keeps running, and neither exit code 130
 * nor the "finish by hand" lines ever come. This one draws the same line and leaves the terminal alone, so Ctrl-C
 * is a SIGINT to the whole process group, as it is without a terminal.
 */
function terminalSpinner(output: Writable): Spinner {
  const frames = ['◒', '◐', '◓', '◑'];
  let timer: NodeJS.Timeout | undefined;
  let text = '';
  let started = 0;
  let frame = 0;
  let cancelled = false;
  const elapsed = () => {
    const seconds = (performance.now() - started) / 1000;
    const minutes = Math.floor(seconds / 60);
    return minutes > 0 ? `[${minutes}m ${Math.floor(seconds % 60)}s]` : `[${Math.floor(seconds)}s]`;
  };
  const draw = () => output.write(`\r\x1b[2K${styleText('magenta', frames[frame++ % frames.length]!)}  ${text} ${elapsed()}`);
  const finish = (symbol: string, message: string) => {
    if (!timer) return;
    clearInterval(timer);
    timer = undefined;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    output.write(`\r\x1b[2K${symbol}  ${message} ${elapsed()}\n`);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cancelled = true;
    finish(styleText('red', '■'), 'Cancelled.');
    // nothing else listens (no step is interruptible right now): the signal must still end the process
    if (process.listenerCount(signal) === 0) process.exit(130);
  };
  return {
    start: (message) => {
      text = message;
      started = performance.now();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      output.write(`${styleText('gray', '│')}\n`);
      draw();
      timer = setInterval(draw, 80);
    },
    stop: (message) => finish(styleText('green', '◇'), message),
    error: (message) => finish(styleText('red', '■'), message),
    cancel: (message) => {
      cancelled = true;
      finish(styleText('red', '■'), message);
    },
    get isCancelled() {
      return cancelled;
    },
  };
}
