// The baseline: the client sends each hash as it is and the server looks it up, learning every hash.
import { bytesToHex } from '@noble/curves/utils.js';
import { ProtocolError } from '../errors.js';
import { zeroOpCounts } from '../group/counting.js';
import { Transcript } from '../transcript.js';
import { decodeExpected, encodePlaintextQuery, peekMessageType } from '../wire.js';
import type { PsiOutcome, PsiParty } from './party.js';

export function plaintextClient(queries: readonly Uint8Array[]): PsiParty {
  const transcript = new Transcript('client');
  return {
    role: 'client',
    transcript,
    ops: zeroOpCounts(),
    prepare: () => [],
    start: () => queries.map(encodePlaintextQuery),
    receive(message) {
      throw new ProtocolError(
        'unexpected-message',
        `the plaintext client expects no messages, got ${peekMessageType(message)}`,
      );
    },
    outcome: () => null,
  };
}

export function plaintextServer(database: readonly Uint8Array[]): PsiParty {
  const transcript = new Transcript('server');
  let known = new Set<string>();
  const matches: boolean[] = [];
  return {
    role: 'server',
    transcript,
    ops: zeroOpCounts(),
    prepare() {
      known = new Set(database.map(bytesToHex));
      return [];
    },
    start: () => [],
    receive(message) {
      const { input } = decodeExpected('plaintext-query', message, null);
      transcript.received('plaintext-query', message);
      const hex = bytesToHex(input);
      const match = known.has(hex);
      matches.push(match);
      transcript.computed('query', { index: matches.length - 1, input: hex, match });
      return [];
    },
    outcome: (): PsiOutcome => ({ kind: 'membership', matches }),
  };
}
