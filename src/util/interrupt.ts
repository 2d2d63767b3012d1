/**
 * Runs `work` with a signal that aborts on Ctrl-C (SIGINT) or SIGTERM.
 *
 * Our listener must stay registered for the whole step: execa's exit hook
 * (signal-exit) re-raises the signal and kills us when it finds itself the
 * last listener, which would skip the "Cancelled." message and exit code 130.
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}
