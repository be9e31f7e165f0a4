// The report builder's user-facing error, in a module of its own so that the CLI can recognise it without loading
// the builder.

/** A report that cannot be built as asked (no runs, clashing section ids). */
export class ReportError extends Error {
  override readonly name = 'ReportError';
}
