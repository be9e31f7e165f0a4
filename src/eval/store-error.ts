// The run store's user-facing error, in a module of its own so that the CLI can recognise it without loading SQLite.

/** A store problem the user can act on (missing run, not a store file, newer schema). */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}
