// plaintext in the pipeline: the device sends each hash as it is beside the envelope; the provider looks it up and
// learns every hash and every match at once (the baseline the private protocols are measured against).
import { ProtocolError } from '../../psi/errors.js';
import { plaintextServer } from '../../psi/protocols/plaintext.js';
import { encodePlaintextQuery } from '../../psi/wire.js';
import { PipelineError } from '../errors.js';
import type { Reveal, ScanProtocol } from '../scan-protocol.js';

export const plaintextScan: ScanProtocol = {
  name: 'plaintext',
  learner: 'provider',
  hashInTheClear: true,
  revealsAd: false,
  adCapacity: () => 0,
  createMatcher(_group, database) {
    const server = plaintextServer(database);
    const reveals: Reveal[] = [];
    let answered = 0;
    return {
      publish: () => server.prepare(),
      receive(binding, messages) {
        try {
          for (const m of messages) server.receive(m);
        } catch (e) {
          if (e instanceof ProtocolError) throw new PipelineError('protocol-message-rejected', e.message);
          throw e;
        }
        const outcome = server.outcome();
        const matches = outcome?.kind === 'membership' ? outcome.matches.slice(answered) : [];
        answered += messages.length;
        if (matches.some(Boolean)) reveals.push({ ...binding, ad: null });
        return [];
      },
      revealed: () => [...reveals],
      accountViews: () => [],
    };
  },
  createDevice: () => ({
    scan: (request) => request.inputs.map(encodePlaintextQuery),
    receive() {
      throw new PipelineError('protocol-message-rejected', 'the plaintext device expects no replies');
    },
    learned: () => new Map(),
    decoys: () => new Map(),
  }),
};
