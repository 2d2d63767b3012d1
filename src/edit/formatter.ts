// Prettier in a worker thread, started the moment add-resource or add-version
// begins. Loading Prettier and its TypeScript and JSON parsers is most of what
// formatting costs; in the worker it happens beside the main thread's loading of
// ts-morph and its planning, so once the plan is ready only the formatting
// itself is left (bench/add-resource.ts; docs/benchmarks.md).
import { Worker } from 'node:worker_threads';
import { StepFailedError } from '../errors.js';
import type { FileChange } from './changes.js';

export interface FormatterSetup {
  readonly root: string;
  /** project files the edit will likely change, checked ahead (format.ts: precheck) */
  readonly precheck: readonly string[];
}

export interface FormatRequest {
  readonly id: number;
  readonly changes: readonly FileChange[];
}

export type FormatReply = { readonly id: number; readonly changes: FileChange[] } | { readonly id: number; readonly error: string };

export interface Formatter {
  /** The changes as the project's Prettier settings write them (see format.ts for which files). */
  format(changes: readonly FileChange[]): Promise<FileChange[]>;
  /** Stops the worker; a formatter never closed does not keep the process alive either. */
  close(): Promise<void>;
}

export function startFormatter(setup: FormatterSetup): Formatter {
  const worker = new Worker(new URL('./format-worker.js', import.meta.url), { workerData: setup });
  worker.unref(); // idle, it holds nothing open: a command that fails before formatting exits at once
  const pending = new Map<number, { resolve: (changes: FileChange[]) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let broken: Error | undefined;

  const settle = (reply: FormatReply) => {
    const request = pending.get(reply.id);
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if ('error' in reply)
      request?.reject(new StepFailedError(`Prettier could not format the change: ${reply.error}\nNothing was written.`));
    else request?.resolve(reply.changes);
  };
  const fail = (error: Error) => {
    broken = new StepFailedError(`The formatter stopped: ${error.message}\nNothing was written.`, { cause: error });
    for (const request of pending.values()) request.reject(broken);
    pending.clear();
  };
  worker.on('message', settle);
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`its worker exited with code ${code}`)));

  return {
    format(changes) {
      if (changes.length === 0) return Promise.resolve([]);
      if (broken) return Promise.reject(broken);
      const id = nextId++;
      worker.ref(); // someone waits for it now
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, changes } satisfies FormatRequest);
      });
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
