import { describe, it, expect, beforeAll } from 'vitest';
import { BloomFilter } from '../src/psi/bloom.js';
import { ProtocolError } from '../src/psi/errors.js';
import { loadRistretto255Sodium } from '../src/psi/group/sodium.js';
import { p256Noble } from '../src/psi/group/noble.js';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import { oprfMembershipClient, oprfMembershipServer } from '../src/psi/protocols/oprf-membership.js';
import { ecdhParty } from '../src/psi/protocols/ecdh-psi.js';
import { createPrng, randomBytesFrom, type Prng } from '../src/util/prng.js';
import {
  DEFAULT_WIRE_LIMITS,
  MESSAGE_TYPES,
  decodeExpected,
  decodeMessage,
  encodeEcdhBlindedSet,
  encodeEcdhDoubleBlindedSet,
  encodeMessage,
  encodeOprfFilter,
  encodeOprfRequest,
  encodeOprfResponse,
  encodePlaintextQuery,
  type MessageType,
} from '../src/psi/wire.js';

const SEED = 0x9e3779b9;
const MESSAGES = 120_000;
const TYPES = Object.keys(MESSAGE_TYPES) as MessageType[];
const limits = { ...DEFAULT_WIRE_LIMITS, maxSetElements: 64, maxMessageBytes: 4096 };

let sodium: PrimeOrderGroup;
beforeAll(async () => {
  sodium = await loadRistretto255Sodium();
});

function validMessages(group: PrimeOrderGroup, next: Prng): Uint8Array[] {
  const point = (i: number): Uint8Array =>
    group.encodeElement(group.hashToGroup(new Uint8Array([i]), new Uint8Array([1, 2, 3])));
  const filter = new BloomFilter({ bits: 77, hashes: 3 });
  filter.add(randomBytesFrom(next, 16));
  return [
    encodePlaintextQuery(randomBytesFrom(next, 11)),
    encodePlaintextQuery(new Uint8Array(0)),
    encodeOprfFilter(group, 5, filter),
    encodeOprfRequest(group, group.decodeElement(point(1))),
    encodeOprfResponse(group, group.decodeElement(point(2))),
    encodeEcdhBlindedSet(group, [point(3), point(4), point(5)]),
    encodeEcdhBlindedSet(group, []),
    encodeEcdhDoubleBlindedSet(group, true, [point(6), point(7)]),
    encodeEcdhDoubleBlindedSet(group, false, [point(8)]),
  ];
}

/** One of several mutations: bit flips, byte overwrites, truncation, extension, header and count-field edits, zeroed runs. */
function mutate(seedMessage: Uint8Array, next: Prng): Uint8Array {
  let m = seedMessage.slice();
  const kind = next.nextUint32() % 9;
  const at = (): number => next.nextUint32() % Math.max(1, m.length);
  if (kind === 0)
    for (let i = 0, n = 1 + (next.nextUint32() % 3); i < n && m.length; i++) m[at()]! ^= 1 << (next.nextUint32() % 8);
  else if (kind === 1 && m.length) m[at()] = next.nextUint32() & 0xff;
  else if (kind === 2) m = m.subarray(0, next.nextUint32() % (m.length + 1));
  else if (kind === 3) m = Uint8Array.from([...m, ...randomBytesFrom(next, 1 + (next.nextUint32() % 40))]);
  else if (kind === 4 && m.length > 1)
    m[1] = [...Object.values(MESSAGE_TYPES), next.nextUint32() & 0xff][next.nextUint32() % 8]!;
  else if (kind === 5 && m.length > 0) m[0] = next.nextUint32() % 3;
  else if (kind === 6 && m.length > 6) m[3 + (next.nextUint32() % 4)] = next.nextUint32() & 0xff;
  else if (kind === 7 && m.length > 2) m[2] = next.nextUint32() % 4;
  else if (m.length > 3) m.fill(0, 3 + (next.nextUint32() % (m.length - 3)), m.length);
  return m;
}

function decodeOrReject(run: () => unknown): 'ok' | 'rejected' {
  try {
    run();
    return 'ok';
  } catch (e) {
    if (e instanceof ProtocolError) return 'rejected';
    throw new Error(`decoder threw ${String(e)} instead of a ProtocolError`, { cause: e });
  }
}

describe('wire decoders under fuzzing', () => {
  it(`${MESSAGES} random and mutated messages: every decoder returns or throws a ProtocolError; accepted messages re-encode to the same bytes`, () => {
    const next = createPrng(SEED);
    const corpora = new Map<PrimeOrderGroup, Uint8Array[]>([
      [sodium, validMessages(sodium, next)],
      [p256Noble, validMessages(p256Noble, next)],
    ]);
    const outcomes = { ok: 0, rejected: 0 };
    const reasons = new Set<string>();
    for (let i = 0; i < MESSAGES; i++) {
      const group = i % 10 === 0 ? p256Noble : sodium;
      const corpus = corpora.get(group)!;
      const message =
        i % 4 === 0
          ? randomBytesFrom(next, next.nextUint32() % 80)
          : mutate(corpus[next.nextUint32() % corpus.length]!, next);
      const decodeWith = i % 16 === 1 ? null : group;
      try {
        const decoded = decodeMessage(message, decodeWith, limits);
        outcomes.ok++;
        expect(Buffer.from(encodeMessage(decoded, decodeWith)).equals(Buffer.from(message))).toBe(true);
      } catch (e) {
        if (!(e instanceof ProtocolError))
          throw new Error(`message ${i} (${Buffer.from(message).toString('hex')}): ${String(e)}`, { cause: e });
        outcomes.rejected++;
        reasons.add(e.reason);
      }
      if (i % 7 === 0)
        outcomes[
          decodeOrReject(() => decodeExpected(TYPES[next.nextUint32() % TYPES.length]!, message, decodeWith, limits))
        ]++;
    }
    expect(outcomes.ok).toBeGreaterThan(1000);
    expect([...reasons].sort()).toEqual([
      'identity-point',
      'invalid-field',
      'non-canonical-point',
      'oversized',
      'truncated',
      'unknown-type',
      'unknown-version',
      'wrong-count',
      'wrong-group',
    ]);
  });

  it('protocol parties fed mutated messages fail only with ProtocolErrors', () => {
    const next = createPrng(SEED + 1);
    const items = Array.from({ length: 3 }, () => randomBytesFrom(next, 12));
    const corpus = validMessages(sodium, next);
    const parties = [
      oprfMembershipClient(sodium, items, limits),
      oprfMembershipServer(sodium, items, { falsePositiveRate: 0.01, limits }),
      ecdhParty('client', sodium, items, { learner: 'client', cardinalityOnly: false, limits }),
      ecdhParty('server', sodium, items, { learner: 'client', cardinalityOnly: true, limits }),
    ];
    for (const party of parties) {
      if (party.role === 'server') party.prepare();
      else party.start();
    }
    const outcomes = { ok: 0, rejected: 0 };
    for (let i = 0; i < 5000; i++) {
      outcomes[
        decodeOrReject(() =>
          parties[i % parties.length]!.receive(mutate(corpus[next.nextUint32() % corpus.length]!, next)),
        )
      ]++;
    }
    expect(outcomes.rejected).toBeGreaterThan(outcomes.ok);
  });
});
