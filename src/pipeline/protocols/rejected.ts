// How a protocol's refusal reaches the pipeline: a ProtocolError from a party becomes the run's
// `protocol-message-rejected` PipelineError, recorded against the message; anything else is a bug and propagates.
import { ProtocolError } from '../../psi/errors.js';
import { PipelineError } from '../errors.js';

export function rejected<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ProtocolError) throw new PipelineError('protocol-message-rejected', e.message);
    throw e;
  }
}
