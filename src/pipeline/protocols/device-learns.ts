// The pipeline's side of the protocols whose device learns the result (oprf-membership, ball-expansion, chunked): the
// provider's matcher is the PSI server party answering each message, and the device runs PSI client parties per photo,
// routing the matcher's replies to them in the order they asked, and sending back what they answer (chunked's second
// round) until every party of the photo is done.
import { bytesToHex } from '@noble/curves/utils.js';
import type { PsiParty } from '../../psi/protocols/party.js';
import { PipelineError } from '../errors.js';
import type { DeviceScanner, Matcher, ScanRequest } from '../scan-protocol.js';
import { rejected } from './rejected.js';

/** The provider's matcher: the server publishes once and answers every message; it learns no result. */
export function answeringMatcher(server: PsiParty): Matcher {
  return {
    publish: () => server.prepare(),
    receive: (_binding, messages) => rejected(() => messages.flatMap((m) => server.receive(m))),
    revealed: () => [],
    accountViews: () => [],
  };
}

/**
 * A device whose photo is scanned by the client parties `clientsOf` makes (each handed the published messages): it
 * learns a photo matched when one of them ends with a match.
 */
export function learningDevice(
  published: readonly Uint8Array[],
  clientsOf: (request: ScanRequest) => PsiParty[],
): DeviceScanner {
  // Per message, the clients awaiting a reply, one entry per message each sent, in sending order.
  const pending = new Map<string, { clients: PsiParty[]; waiting: PsiParty[] }>();
  const learned = new Map<string, boolean>();
  return {
    scan(request) {
      const clients = clientsOf(request);
      for (const client of clients) rejected(() => published.forEach((m) => client.receive(m)));
      const waiting: PsiParty[] = [];
      const messages = clients.flatMap((client) => {
        const out = client.start();
        for (let i = 0; i < out.length; i++) waiting.push(client);
        return out;
      });
      pending.set(bytesToHex(request.messageId), { clients, waiting });
      return messages;
    },
    receive(messageId, reply) {
      const id = bytesToHex(messageId);
      const p = pending.get(id);
      const client = p?.waiting.shift();
      if (!p || !client)
        throw new PipelineError('wrong-binding', `a reply for message ${id}, which is not waiting for one`);
      const next = rejected(() => client.receive(reply));
      for (let i = 0; i < next.length; i++) p.waiting.push(client);
      if (p.waiting.length === 0) {
        pending.delete(id);
        learned.set(
          id,
          p.clients.some((c) => {
            const o = c.outcome();
            return o?.kind === 'membership' && o.matches.some(Boolean);
          }),
        );
      }
      return next;
    },
    learned: () => learned,
    decoys: () => new Map(),
  };
}
