// The formatter's worker thread (see formatter.ts): Prettier loads and warms up
// here, on the other core, while the main thread loads ts-morph and plans.
import module from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { FormatReply, FormatRequest, FormatterSetup } from './formatter.js';

// Node 22.1+'s on-disk compile cache is switched on per thread (the bin does the main one); before Prettier loads
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { ProjectFormatter } = await import('./format.js');

const { root, precheck } = workerData as FormatterSetup;
const formatter = new ProjectFormatter(root);
const ready = formatter.precheck(precheck);

// A failed precheck is this request's error (awaited inside the try), never an unhandled rejection.
async function answer({ id, changes }: FormatRequest): Promise<void> {
  let reply: FormatReply;
  try {
    await ready;
    reply = { id, changes: await Promise.all(changes.map((change) => formatter.format(change))) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
}

parentPort!.on('message', (request: FormatRequest) => void answer(request));
