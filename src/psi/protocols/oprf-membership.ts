// oprf-membership: the server publishes a Bloom filter of OPRF_k(y) over its database; per photo the client runs one
// RFC 9497 OPRF round and tests the filter. The client learns membership; the server learns that a query happened.
import { bytesToHex } from '@noble/curves/utils.js';
import { bloomParams, type BloomFilter } from '../bloom.js';
import { ProtocolError } from '../errors.js';
import { countingGroup } from '../group/counting.js';
import type { PrimeOrderGroup, Scalar } from '../group/group.js';
import { oprfBlind, oprfBlindEvaluate, oprfFinalize, oprfSuite } from '../oprf.js';
import { oprfFilterHere } from '../oprf-database.js';
import { Transcript } from '../transcript.js';
import {
  decodeExpected,
  decodeMessage,
  encodeOprfFilter,
  encodeOprfRequest,
  encodeOprfResponse,
  type WireLimits,
} from '../wire.js';
import type { PsiOutcome, PsiParty } from './party.js';

export interface OprfServerOptions {
  /** Target false-positive rate of the membership filter. */
  readonly falsePositiveRate: number;
  /** The OPRF key; a fresh random one when absent. */
  readonly key?: Scalar;
  /** A database already evaluated under `key` (e.g. by `buildOprfFilter` in worker threads); `prepare` then only publishes it. */
  readonly prepared?: PreparedOprfDatabase;
  readonly limits?: WireLimits;
  /**
   * The most OPRF evaluations the server performs in one session; more requests are refused as `oversized`. Each
   * evaluation lets the client test one value of its choice against the filter, offline and as often as it likes.
   */
  readonly maxQueries?: number;
}

export interface PreparedOprfDatabase {
  readonly key: Scalar;
  readonly filter: BloomFilter;
}

export function oprfMembershipServer(
  baseGroup: PrimeOrderGroup,
  database: readonly Uint8Array[],
  options: OprfServerOptions,
): PsiParty {
  const { group, counts } = countingGroup(baseGroup);
  const suite = oprfSuite(group);
  const transcript = new Transcript('server');
  let key: Scalar | undefined;
  let queries = 0;
  return {
    role: 'server',
    transcript,
    ops: counts,
    prepare() {
      if (options.prepared) {
        key = options.prepared.key;
        return [encodeOprfFilter(group, database.length, options.prepared.filter)];
      }
      key = options.key ?? group.randomScalar();
      const params = bloomParams(database.length, options.falsePositiveRate);
      return [encodeOprfFilter(group, database.length, oprfFilterHere(group, key, database, params))];
    },
    start: () => [],
    receive(message) {
      if (!key) throw new ProtocolError('unexpected-message', 'request before the server prepared its database');
      if (options.maxQueries !== undefined && queries >= options.maxQueries)
        throw new ProtocolError('oversized', `more than the ${options.maxQueries} OPRF evaluations a session allows`);
      const { element } = decodeExpected('oprf-request', message, group, options.limits);
      transcript.received('oprf-request', message);
      transcript.computed('query', { index: queries++ });
      return [encodeOprfResponse(group, oprfBlindEvaluate(suite, key, element))];
    },
    outcome: () => null,
  };
}

export function oprfMembershipClient(
  baseGroup: PrimeOrderGroup,
  queries: readonly Uint8Array[],
  limits?: WireLimits,
): PsiParty {
  const { group, counts } = countingGroup(baseGroup);
  const suite = oprfSuite(group);
  const transcript = new Transcript('client');
  const blinds: Scalar[] = [];
  const matches: boolean[] = [];
  let filter: BloomFilter | undefined;
  return {
    role: 'client',
    transcript,
    ops: counts,
    prepare: () => [],
    start() {
      return queries.map((x) => {
        const b = oprfBlind(suite, x);
        blinds.push(b.blind);
        return encodeOprfRequest(group, b.blinded);
      });
    },
    receive(message) {
      const decoded = decodeMessage(message, group, limits);
      if (decoded.type === 'oprf-filter') {
        if (filter) throw new ProtocolError('unexpected-message', 'a second membership filter');
        transcript.received(decoded.type, message);
        filter = decoded.filter;
        transcript.computed('filter', {
          entries: decoded.entries,
          bits: filter.bits,
          hashes: filter.hashes,
          bitsPerEntry: filter.bitsPerEntry(decoded.entries),
        });
        return [];
      }
      if (decoded.type !== 'oprf-response')
        throw new ProtocolError('unexpected-message', `the OPRF client does not accept ${decoded.type}`);
      if (!filter) throw new ProtocolError('unexpected-message', 'an OPRF response before the membership filter');
      const i = matches.length;
      if (i >= queries.length)
        throw new ProtocolError('wrong-count', `more responses than the ${queries.length} requests sent`);
      transcript.received(decoded.type, message);
      const output = oprfFinalize(suite, queries[i]!, blinds[i]!, decoded.element);
      const member = filter.has(output);
      matches.push(member);
      transcript.computed('query', { index: i, member });
      transcript.confidential('oprf output', { index: i, output: bytesToHex(output) });
      return [];
    },
    outcome: (): PsiOutcome => ({ kind: 'membership', matches }),
  };
}
