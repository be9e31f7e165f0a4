import { describe, it, expect, beforeAll } from 'vitest';
import { BloomFilter } from '../src/psi/bloom.js';
import { ProtocolError } from '../src/psi/errors.js';
import { loadRistretto255Sodium } from '../src/psi/group/sodium.js';
import { p256Noble } from '../src/psi/group/noble.js';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import { psiInput } from '../src/psi/hash-input.js';
import type { PsiParty } from '../src/psi/protocols/party.js';
import { createFuzzyParties } from '../src/psi/protocols/fuzzy/session.js';
import {
  encodeChunkFilter,
  encodeChunkVoucher,
  encodeDistanceAnswer,
  encodeDistanceQuery,
  encodeFuzzyOprfBatch,
  encodeFuzzyTpsiPublicData,
} from '../src/psi/protocols/fuzzy/messages.js';
import { DEFAULT_FUZZY_PARAMS } from '../src/psi/protocols/fuzzy/params.js';
import { DEFAULT_TPSI_PARAMS } from '../src/psi/protocols/tpsi-ad/params.js';
import { DEFAULT_WIRE_LIMITS, MESSAGE_TYPES, decodeMessage, encodeMessage } from '../src/psi/wire.js';
import { createPrng, randomBytesFrom, type Prng } from '../src/util/prng.js';

const MESSAGES = 30_000;
const FUZZY_CODES = Object.entries(MESSAGE_TYPES).flatMap(([name, code]) => (name.startsWith('fuzzy-') ? [code] : []));
const limits = { ...DEFAULT_WIRE_LIMITS, maxSetElements: 64, maxMessageBytes: 8192 };

let sodium: PrimeOrderGroup;
beforeAll(async () => {
  sodium = await loadRistretto255Sodium();
});

function validMessages(group: PrimeOrderGroup, rand: Prng): Uint8Array[] {
  const point = (i: number) => group.hashToGroup(new Uint8Array([i]), new Uint8Array([9, 9]));
  const ct = (i: number) => ({ r: point(i), s: point(i + 100) });
  const filter = new BloomFilter({ bits: 77, hashes: 3 });
  filter.add(randomBytesFrom(rand, 16));
  const slot = (i: number) => ({ q: point(i), ciphertext: randomBytesFrom(rand, 48) });
  const table = new Uint8Array([...group.encodeElement(point(40)), ...group.encodeElement(point(41))]);
  return [
    encodeFuzzyOprfBatch('fuzzy-oprf-request', group, 0, [point(1), point(2), point(3)]),
    encodeFuzzyOprfBatch('fuzzy-oprf-response', group, 7, [point(4)]),
    encodeFuzzyOprfBatch('fuzzy-oprf-request', group, 1, []),
    encodeChunkFilter(group, 256, 8, 5, filter),
    encodeDistanceQuery(
      group,
      3,
      point(5),
      [randomBytesFrom(rand, 16), randomBytesFrom(rand, 16)],
      [0, 1, 2, 3].map(ct),
    ),
    encodeDistanceAnswer(group, 2, [ct(6), ct(7)]),
    encodeFuzzyTpsiPublicData(
      group,
      { nbits: 64, chunks: 8, minChunks: 2 },
      {
        threshold: 3,
        dhfDimension: 5,
        adBytes: 8,
        cuckooSeed: randomBytesFrom(rand, 16),
        tableSize: 2,
        blindingKey: point(42),
        table,
      },
    ),
    encodeChunkVoucher(group, {
      account: 7,
      id: randomBytesFrom(rand, 16),
      chunks: [0, 1].map((i) => ({ slots: [slot(10 + i), slot(20 + i)] as const, share: randomBytesFrom(rand, 48) })),
      payload: randomBytesFrom(rand, 20),
    }),
  ];
}

function mutate(seed: Uint8Array, rand: Prng): Uint8Array {
  let m = seed.slice();
  const kind = rand.nextInt(8);
  const at = (): number => rand.nextInt(Math.max(1, m.length));
  if (kind === 0) for (let i = 0, n = 1 + rand.nextInt(3); i < n && m.length; i++) m[at()]! ^= 1 << rand.nextInt(8);
  else if (kind === 1 && m.length) m[at()] = rand.nextInt(256);
  else if (kind === 2) m = m.subarray(0, rand.nextInt(m.length + 1));
  else if (kind === 3) m = Uint8Array.from([...m, ...randomBytesFrom(rand, 1 + rand.nextInt(40))]);
  else if (kind === 4 && m.length > 1) m[1] = FUZZY_CODES[rand.nextInt(FUZZY_CODES.length)]!;
  else if (kind === 5 && m.length > 10) m[3 + rand.nextInt(8)] = rand.nextInt(256);
  else if (kind === 6 && m.length > 2) m[2] = rand.nextInt(4);
  else if (m.length > 3) m.fill(0, 3 + rand.nextInt(m.length - 3), m.length);
  return m;
}

describe('near-duplicate wire messages under fuzzing', () => {
  it(`${MESSAGES} random and mutated messages decode or fail as ProtocolErrors; accepted ones re-encode to the same bytes`, () => {
    const rand = createPrng(0x19);
    const corpora = new Map([
      [sodium, validMessages(sodium, rand)],
      [p256Noble, validMessages(p256Noble, rand)],
    ]);
    for (const [group, corpus] of corpora)
      for (const m of corpus)
        expect(Buffer.from(encodeMessage(decodeMessage(m, group, limits), group))).toEqual(Buffer.from(m));
    const outcomes = { ok: 0, rejected: 0 };
    const reasons = new Set<string>();
    for (let i = 0; i < MESSAGES; i++) {
      const group = i % 10 === 0 ? p256Noble : sodium;
      const corpus = corpora.get(group)!;
      const message =
        i % 5 === 0
          ? Uint8Array.from([
              1,
              FUZZY_CODES[rand.nextInt(FUZZY_CODES.length)]!,
              ...randomBytesFrom(rand, rand.nextInt(120)),
            ])
          : mutate(corpus[rand.nextInt(corpus.length)]!, rand);
      try {
        const decoded = decodeMessage(message, group, limits);
        outcomes.ok++;
        expect(Buffer.from(encodeMessage(decoded, group)).equals(Buffer.from(message))).toBe(true);
      } catch (e) {
        if (!(e instanceof ProtocolError))
          throw new Error(`message ${i} (${Buffer.from(message).toString('hex')}): ${String(e)}`, { cause: e });
        outcomes.rejected++;
        reasons.add(e.reason);
      }
    }
    expect(outcomes.ok).toBeGreaterThan(300);
    for (const r of ['truncated', 'oversized', 'wrong-count', 'invalid-field', 'non-canonical-point', 'wrong-group'])
      expect(reasons).toContain(r);
  });

  it('live parties of the three protocols throw only ProtocolErrors on 1,500 mutated messages', () => {
    const rand = createPrng(0x1919);
    const corpus = validMessages(sodium, rand);
    const hash = () => psiInput({ algo: 'phash', nbits: 64, bits: randomBytesFrom(rand, 8) });
    const db = Array.from({ length: 8 }, hash);
    const queries = Array.from({ length: 2 }, hash);
    const parties: PsiParty[] = [];
    for (const protocol of ['ball-expansion', 'chunked', 'chunked-tpsi'] as const) {
      const p = createFuzzyParties(protocol, sodium, db, queries, {
        fuzzy: { ...DEFAULT_FUZZY_PARAMS, maxDistance: 1, chunks: 8, minChunks: 2 },
        falsePositiveRate: 1e-6,
        tpsi: { ...DEFAULT_TPSI_PARAMS, threshold: 3, dhfCapacity: 3, adBytes: 16 },
        accounts: 1,
        limits,
      });
      p.server.prepare();
      parties.push(p.client, p.server);
    }
    let rejected = 0;
    for (let i = 0; i < 1500; i++) {
      const party = parties[i % parties.length]!;
      try {
        party.receive(mutate(corpus[rand.nextInt(corpus.length)]!, rand));
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw new Error(`${party.role} ${i}: ${String(e)}`, { cause: e });
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });
});
