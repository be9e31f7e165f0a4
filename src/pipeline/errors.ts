// Pipeline errors: PipelineError for what a party rejects (an envelope that does not open, a record that does not parse,
// a protocol message bound to another message), PipelineUsageError for a caller's mistake.

/** Why a party rejected bytes it received. */
export type PipelineRejection =
  'envelope-does-not-open' | 'malformed-record' | 'wrong-binding' | 'protocol-message-rejected';

/** Bytes a pipeline party received and refused; the run records it and goes on. */
export class PipelineError extends Error {
  override readonly name = 'PipelineError';
  constructor(
    readonly reason: PipelineRejection,
    message: string,
  ) {
    super(`pipeline (${reason}): ${message}`);
  }
}

/** A pipeline function called with options or inputs it cannot accept. */
export class PipelineUsageError extends Error {
  override readonly name = 'PipelineUsageError';
}
