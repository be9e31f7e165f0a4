// ecdh-psi: commutative blinding H(x)^(ab). The receiver R sends its blinded set in order; the sender S publishes
// its own blinded set shuffled and returns R's set blinded again (shuffled too in cardinality-only mode). R learns
// the intersection (or its size); S learns the size of R's set. Either the client or the server can be R.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToHex } from '@noble/curves/utils.js';
import { ProtocolError } from '../errors.js';
import { countingGroup } from '../group/counting.js';
import type { GroupElement, PrimeOrderGroup, Scalar } from '../group/group.js';
import type { RandomSource } from '../random.js';
import { secureShuffle } from '../shuffle.js';
import { Transcript, type PartyRole } from '../transcript.js';
import { decodeMessage, encodeEcdhBlindedSet, encodeEcdhDoubleBlindedSet, type WireLimits } from '../wire.js';
import type { PsiOutcome, PsiParty } from './party.js';

export interface EcdhOptions {
  /** The party that learns the result. */
  readonly learner: PartyRole;
  /** The learner gets only the size of the intersection. */
  readonly cardinalityOnly: boolean;
  readonly limits?: WireLimits;
  /** The server refuses a client set larger than this: each element is one value the client tests per session. */
  readonly maxQueries?: number;
  /** Where shuffles draw from (the system CSPRNG by default; the group supplies the blinding scalar). */
  readonly random?: RandomSource;
}

/** Domain separation tag for hashing PSI inputs into the group in this protocol; it names the suite (RFC 9380 §3.1). */
export const ecdhHashToGroupDst = (group: PrimeOrderGroup): Uint8Array =>
  utf8ToBytes(`scanlab-ecdh-psi-v1-${group.suite}`);

/**
 * One party of ecdh-psi holding `items` (the client's photos or the server's database). The server blinds and
 * publishes its set in `prepare` (reusable while its key is); the client blinds its set when the session starts.
 */
export function ecdhParty(
  role: PartyRole,
  baseGroup: PrimeOrderGroup,
  items: readonly Uint8Array[],
  options: EcdhOptions,
): PsiParty {
  const { group, counts } = countingGroup(baseGroup);
  const transcript = new Transcript(role);
  const isReceiver = options.learner === role;
  let secret: Scalar | undefined;
  let ownSentCount = 0;
  let peerSetReceived = false;
  let peerSet: GroupElement[] | undefined;
  let doubled: { shuffled: boolean; elements: GroupElement[] } | undefined;
  let result: PsiOutcome | null = null;

  const blindOwnSet = (): Uint8Array => {
    const a = group.randomScalar();
    secret = a;
    const dst = ecdhHashToGroupDst(group);
    const encoded = items.map((x) => group.encodeElement(group.multiply(a, group.hashToGroup(x, dst))));
    ownSentCount = encoded.length;
    // The sender hides which of its items is which; the receiver keeps its order to map matches back to items.
    return encodeEcdhBlindedSet(group, isReceiver ? encoded : secureShuffle(encoded, options.random));
  };

  const finish = (): void => {
    if (!peerSet || !doubled || !secret) return;
    const key = secret;
    const peer = new Set(peerSet.map((e) => bytesToHex(group.encodeElement(group.multiply(key, e)))));
    const hits = doubled.elements.map((e) => peer.has(bytesToHex(group.encodeElement(e))));
    const matched = hits.flatMap((h, i) => (h ? [i] : []));
    if (options.cardinalityOnly) result = { kind: 'cardinality', count: matched.length };
    else if (role === 'client') result = { kind: 'membership', matches: hits };
    else result = { kind: 'database-matches', indices: matched };
    // In cardinality-only mode the positions refer to a shuffled set and name nothing; only the count is kept.
    transcript.computed(
      'intersection',
      options.cardinalityOnly ? { cardinality: matched.length } : { cardinality: matched.length, matched },
    );
  };

  return {
    role,
    transcript,
    ops: counts,
    prepare: () => (role === 'server' ? [blindOwnSet()] : []),
    start: () => (role === 'client' ? [blindOwnSet()] : []),
    receive(message) {
      if (!secret)
        throw new ProtocolError('unexpected-message', `the ${role} received a message before blinding its own set`);
      const decoded = decodeMessage(message, group, options.limits);
      if (decoded.type === 'ecdh-blinded-set') {
        if (peerSetReceived) throw new ProtocolError('unexpected-message', 'a second blinded set from the peer');
        if (role === 'server' && options.maxQueries !== undefined && decoded.elements.length > options.maxQueries)
          throw new ProtocolError(
            'oversized',
            `a client set of ${decoded.elements.length} elements exceeds the ${options.maxQueries} queries a session allows`,
          );
        peerSetReceived = true;
        transcript.received(decoded.type, message);
        transcript.computed('peer set size', decoded.elements.length);
        if (isReceiver) {
          peerSet = decoded.elements;
          finish();
          return [];
        }
        const key = secret;
        const reblinded = decoded.elements.map((e) => group.encodeElement(group.multiply(key, e)));
        return [
          encodeEcdhDoubleBlindedSet(
            group,
            options.cardinalityOnly,
            options.cardinalityOnly ? secureShuffle(reblinded, options.random) : reblinded,
          ),
        ];
      }
      if (decoded.type === 'ecdh-double-blinded-set' && isReceiver) {
        if (doubled) throw new ProtocolError('unexpected-message', 'a second double-blinded set');
        if (decoded.elements.length !== ownSentCount)
          throw new ProtocolError(
            'wrong-count',
            `double-blinded set has ${decoded.elements.length} elements, ${ownSentCount} were sent`,
          );
        if (decoded.shuffled !== options.cardinalityOnly)
          throw new ProtocolError(
            'invalid-field',
            `double-blinded set is ${decoded.shuffled ? '' : 'not '}shuffled, against the agreed mode`,
          );
        transcript.received(decoded.type, message);
        doubled = { shuffled: decoded.shuffled, elements: decoded.elements };
        finish();
        return [];
      }
      throw new ProtocolError(
        'unexpected-message',
        `the ecdh-psi ${isReceiver ? 'receiver' : 'sender'} does not accept ${decoded.type}`,
      );
    },
    outcome: () => (isReceiver ? result : null),
  };
}
