// Test helper for protocol code: the ProtocolError reason a call fails with, or 'accepted' when it succeeds.
import { ProtocolError } from '../../src/psi/errors.js';

export function reasonOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ProtocolError) return e.reason;
    throw e;
  }
  return 'accepted';
}
