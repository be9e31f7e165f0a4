// The client side shared by ball-expansion and chunked: the server publishes a Bloom filter (of OPRF outputs, or of
// chunk values' OPRF outputs) once; the client takes it, recorded in its transcript with its size, then runs its
// photos one at a time, each photo's later messages handled by the protocol.
import type { BloomFilter } from '../../bloom.js';
import { ProtocolError } from '../../errors.js';
import type { GroupOpCounts } from '../../group/counting.js';
import type { PrimeOrderGroup } from '../../group/group.js';
import type { Transcript } from '../../transcript.js';
import { decodeMessage, type Message, type MessageOf, type WireLimits } from '../../wire.js';
import type { PsiOutcome, PsiParty } from '../party.js';

type FilterMessage = MessageOf<'oprf-filter'> | MessageOf<'fuzzy-chunk-filter'>;

export interface FilterClientSpec {
  /** The counting group the party computes with, and its counts. */
  readonly group: PrimeOrderGroup;
  readonly counts: GroupOpCounts;
  readonly transcript: Transcript;
  readonly limits?: WireLimits;
  readonly photos: number;
  /** The filter this protocol publishes, and a check of its parameters against the client's (throws ProtocolError). */
  readonly filterType: FilterMessage['type'];
  readonly checkFilter?: (published: FilterMessage) => void;
  /** The first messages for photo `photo` (none past the last photo). */
  readonly request: (photo: number) => Uint8Array[];
  /**
   * A message after the filter: the messages to send next. The protocol records a finished photo's result in
   * `matches` (by photo index) and then requests the next photo.
   */
  readonly answer: (decoded: Message, message: Uint8Array, filter: BloomFilter, matches: boolean[]) => Uint8Array[];
}

export function filterClient(spec: FilterClientSpec): PsiParty {
  const { transcript } = spec;
  const matches: boolean[] = [];
  let filter: BloomFilter | undefined;
  return {
    role: 'client',
    transcript,
    ops: spec.counts,
    prepare: () => [],
    start: () => spec.request(0),
    receive(message) {
      const decoded = decodeMessage(message, spec.group, spec.limits);
      if (decoded.type === 'oprf-filter' || decoded.type === 'fuzzy-chunk-filter') {
        if (decoded.type !== spec.filterType)
          throw new ProtocolError('unexpected-message', `${decoded.type} where ${spec.filterType} was expected`);
        if (filter) throw new ProtocolError('unexpected-message', `a second ${decoded.type}`);
        spec.checkFilter?.(decoded);
        transcript.received(decoded.type, message);
        filter = decoded.filter;
        transcript.computed('filter', { entries: decoded.entries, bits: filter.bits, hashes: filter.hashes });
        return [];
      }
      if (!filter) throw new ProtocolError('unexpected-message', `${decoded.type} before the ${spec.filterType}`);
      return spec.answer(decoded, message, filter, matches);
    },
    outcome: (): PsiOutcome => ({
      kind: 'membership',
      matches: Array.from({ length: spec.photos }, (_, i) => matches[i] ?? false),
    }),
  };
}
