// The formatter's worker thread (see formatter.ts): Prettier loads and warms up
// here, on the other core, while the main thread loads ts-morph and plans.
import { parentPort, workerData } from 'node:worker_threads';
import { ProjectFormatter } from './format.js';
import type { FormatReply, FormatRequest, FormatterSetup } from './formatter.js';

const { root, precheck } = workerData as FormatterSetup;
const formatter = new ProjectFormatter(root);
const ready = formatter.precheck(precheck);

parentPort!.on('message', async ({ id, changes }: FormatRequest) => {
  await ready;
  let reply: FormatReply;
  try {
    reply = { id, changes: await Promise.all(changes.map((change) => formatter.format(change))) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
