// Typed PSI errors: ProtocolError for untrusted bytes that fail to decode or arrive out of turn, PsiError for misuse.

/** Why a received message was rejected. */
export type ProtocolErrorReason =
  | 'truncated'
  | 'oversized'
  | 'unknown-version'
  | 'unknown-type'
  | 'wrong-group'
  | 'non-canonical-point'
  | 'identity-point'
  | 'scalar-out-of-range'
  | 'wrong-count'
  | 'invalid-field'
  | 'duplicate-element'
  | 'parameter-mismatch'
  | 'unexpected-message';

/** The only error that decoding or processing untrusted protocol bytes may throw. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly reason: ProtocolErrorReason,
    message: string,
  ) {
    super(`protocol error (${reason}): ${message}`);
  }
}

/** A PSI function called with options or inputs it cannot accept (a caller's mistake, not the peer's). */
export class PsiError extends Error {
  override readonly name = 'PsiError';
}
