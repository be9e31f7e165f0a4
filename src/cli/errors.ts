// Errors that the CLI turns into one line on stderr and an exit status, never a stack trace.

/** A user mistake in how the command was called (exit status 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** A run that completed but must report failure, e.g. some inputs could not be processed (exit status 1). */
export class PartialFailure extends Error {
  override readonly name = 'PartialFailure';
  readonly exitCode = 1;
}
