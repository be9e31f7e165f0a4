// The attacks' user-facing error, in a module of its own so that the CLI can recognise it without loading the
// attacks.

/** A user-facing mistake in an attack request (an algorithm with no white-box form, bad limits). */
export class AttackError extends Error {
  override readonly name = 'AttackError';
}
