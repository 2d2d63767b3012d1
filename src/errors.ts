// The error kinds the CLI boundary (cli.ts) maps to exit codes. Everything else
// is a bug and is printed with its stack.

/** Bad usage: unknown flag, bad value, refused name or directory. Exit 2, one line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The user pressed Ctrl-C. Exit 130, "Cancelled.". */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(message = 'Cancelled.') {
    super(message);
  }
}

/**
 * A step failed in a way we understand and have already explained (what was
 * written, what failed, how to finish by hand). Exit 1, message without stack.
 */
export class StepFailedError extends Error {
  override name = 'StepFailedError';
}

/**
 * An upgrade left conflicts in the project for its owner to resolve (the report is printed already). Exit 3, never 0:
 * a bot that commits on success must not commit conflict markers.
 */
export class ConflictsError extends Error {
  override name = 'ConflictsError';
}
