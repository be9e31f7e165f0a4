// oprf-membership in the pipeline: the provider publishes its OPRF Bloom filter once; per photo the device runs one
// OPRF round through the relay and tests the filter. The device learns membership; the provider learns nothing.
import { bytesToHex } from '@noble/curves/utils.js';
import { ProtocolError } from '../../psi/errors.js';
import { oprfMembershipClient, oprfMembershipServer } from '../../psi/protocols/oprf-membership.js';
import type { PsiParty } from '../../psi/protocols/party.js';
import { PipelineError } from '../errors.js';
import type { ScanProtocol } from '../scan-protocol.js';

function rejected<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ProtocolError) throw new PipelineError('protocol-message-rejected', e.message);
    throw e;
  }
}

export const oprfMembershipScan: ScanProtocol = {
  name: 'oprf-membership',
  learner: 'device',
  hashInTheClear: false,
  revealsAd: false,
  adCapacity: () => 0,
  createMatcher(group, database, config) {
    const server = oprfMembershipServer(group, database, { falsePositiveRate: config.falsePositiveRate });
    return {
      publish: () => server.prepare(),
      receive: (_binding, messages) => rejected(() => messages.flatMap((m) => server.receive(m))),
      revealed: () => [],
      accountViews: () => [],
    };
  },
  createDevice(group, published) {
    // One client party per photo (its queries are fixed when it is made), each handed the published filter.
    const pending = new Map<string, { client: PsiParty; expected: number; replies: number }>();
    const learned = new Map<string, boolean>();
    return {
      scan(request) {
        const client = oprfMembershipClient(group, request.inputs);
        rejected(() => published.forEach((m) => client.receive(m)));
        const requests = client.start();
        pending.set(bytesToHex(request.messageId), { client, expected: requests.length, replies: 0 });
        return requests;
      },
      receive(messageId, reply) {
        const id = bytesToHex(messageId);
        const p = pending.get(id);
        if (!p) throw new PipelineError('wrong-binding', `a reply for message ${id}, which is not waiting for one`);
        rejected(() => p.client.receive(reply));
        if (++p.replies < p.expected) return;
        pending.delete(id);
        const outcome = p.client.outcome();
        learned.set(id, outcome?.kind === 'membership' && outcome.matches.some(Boolean));
      },
      learned: () => learned,
      decoys: () => new Map(),
    };
  },
};
