import { describe, it, expect, afterEach, beforeAll } from 'vitest';
import type { Hash } from '../src/hash/types.js';
import { toHex } from '../src/hash/bits.js';
import { PsiError } from '../src/psi/errors.js';
import { loadRistretto255Sodium } from '../src/psi/group/sodium.js';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import { psiInput } from '../src/psi/hash-input.js';
import { runParties } from '../src/psi/protocols/driver.js';
import { ballExpansionClient } from '../src/psi/protocols/ball-expansion/parties.js';
import { chunkedClient, chunkedServer } from '../src/psi/protocols/chunked/parties.js';
import type { ChunkedTpsiServerParty } from '../src/psi/protocols/chunked-tpsi/parties.js';
import {
  DistanceEvaluator,
  elgamalKey,
  encryptBits,
  encryptsZero,
  fuzzyGenerator,
} from '../src/psi/protocols/fuzzy/elgamal.js';
import {
  ballOf,
  ballSize,
  chunkInputsOf,
  chunkRanges,
  hammingBytes,
  parsePsiInput,
} from '../src/psi/protocols/fuzzy/hash-bits.js';
import { hammingTruth } from '../src/psi/protocols/fuzzy/hamming-truth.js';
import { DEFAULT_FUZZY_PARAMS, type FuzzyParams } from '../src/psi/protocols/fuzzy/params.js';
import { fuzzyRunReport } from '../src/psi/protocols/fuzzy/observations.js';
import { createFuzzyParties, type FuzzyProtocolName } from '../src/psi/protocols/fuzzy/session.js';
import { DEFAULT_TPSI_PARAMS, type TpsiParams } from '../src/psi/protocols/tpsi-ad/params.js';
import { encodeChunkFilter } from '../src/psi/protocols/fuzzy/messages.js';
import { BloomFilter } from '../src/psi/bloom.js';
import { createPrng, randomBytesFrom, type Prng } from '../src/util/prng.js';
import { reasonOf } from './helpers/protocol.js';

let group: PrimeOrderGroup;
beforeAll(async () => {
  group = await loadRistretto255Sodium();
});
// The protocol runs are synchronous: give the event loop a turn between tests so that the test runner's own messages
// (progress reports to the main process) are answered before their timeout on a loaded machine.
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

const randomHash = (rand: Prng, algo: string, nbits: number): Hash => ({
  algo,
  nbits,
  bits: randomBytesFrom(rand, nbits / 8),
});

/** `hash` with exactly `d` distinct bits flipped. */
function atDistance(rand: Prng, hash: Hash, d: number): Hash {
  const bits = hash.bits.slice();
  const chosen = new Set<number>();
  while (chosen.size < d) chosen.add(rand.nextInt(hash.nbits));
  for (const p of chosen) bits[p >>> 3]! ^= 1 << (p & 7);
  return { ...hash, bits };
}

/** A database of random hashes and photos planted at every distance 0..r + 8 from its entries (r + 1 members first). */
function planted(seed: number, algo: string, nbits: number, size: number, r: number) {
  const rand = createPrng(seed);
  const database = Array.from({ length: size }, () => randomHash(rand, algo, nbits));
  const photos = Array.from({ length: r + 9 }, (_, d) => atDistance(rand, database[d % size]!, d));
  return { database, photos, db: database.map(psiInput), queries: photos.map(psiInput) };
}

function run(
  protocol: FuzzyProtocolName,
  db: Uint8Array[],
  queries: Uint8Array[],
  fuzzy: FuzzyParams,
  tpsi: TpsiParams = DEFAULT_TPSI_PARAMS,
  accounts = 1,
) {
  const parties = createFuzzyParties(protocol, group, db, queries, {
    fuzzy,
    falsePositiveRate: 1e-9,
    tpsi,
    accounts,
  });
  const costs = runParties(parties.client, parties.server, queries.length);
  const learner = protocol === 'chunked-tpsi' ? parties.server : parties.client;
  const outcome = learner.outcome();
  if (outcome?.kind !== 'membership') throw new Error('no membership outcome');
  return { ...parties, costs, matches: outcome.matches };
}

const binary = (h: Hash): string =>
  [...h.bits]
    .map((b) => b.toString(2).padStart(8, '0'))
    .join('')
    .slice(h.bits.length * 8 - h.nbits);

describe('near-duplicate building blocks', () => {
  it('chunks cover the hash; balls hold exactly the hashes within the radius; inputs parse back', () => {
    const rand = createPrng(5);
    const h = randomHash(rand, 'pdq', 256);
    expect(parsePsiInput(psiInput(h))).toEqual({ algo: 'pdq', nbits: 256, bits: h.bits });
    const ranges = chunkRanges(70, 8);
    expect(ranges.map((c) => c.width)).toEqual([9, 9, 9, 9, 9, 9, 8, 8]);
    expect(ranges.reduce((n, c) => n + c.width, 0)).toBe(70);
    const small: Hash = {
      algo: 'test',
      nbits: 20,
      bits: randomBytesFrom(rand, 3).map((b, i) => (i === 0 ? b & 0x0f : b)),
    };
    const ball = ballOf(small.bits, 20, 3);
    expect(ball.length).toBe(ballSize(20, 3));
    expect(ballSize(20, 3)).toBe(1 + 20 + 190 + 1140);
    expect(new Set(ball.map((b) => toHex({ ...small, bits: b }))).size).toBe(ball.length);
    for (const b of ball) {
      expect(hammingBytes(b, small.bits)).toBeLessThanOrEqual(3);
      expect(b[0]! & 0xf0).toBe(0);
    }
    // Chunk inputs follow the bit string, and never equal a whole-hash input.
    const chunks = chunkInputsOf(h, 8);
    expect(
      chunks.map((c) => [...c.subarray(c.length - 4)].map((b) => b.toString(2).padStart(8, '0')).join('')),
    ).toEqual(Array.from({ length: 8 }, (_, j) => binary(h).slice(32 * j, 32 * j + 32)));
    expect(chunks[0]![0]).toBe(0xff);
  });

  it('the encrypted distance check: exactly the comparison at δ = d decrypts to zero', () => {
    const rand = createPrng(7);
    const g = fuzzyGenerator(group);
    const evaluator = new DistanceEvaluator(group, g, 64, 10);
    const x = randomHash(rand, 'phash', 64);
    const key = elgamalKey(group, g);
    const bits = encryptBits(group, g, key.publicKey, x);
    for (const d of [0, 1, 5, 10, 11, 17, 40, 64]) {
      const y = atDistance(rand, x, d);
      const zeros = evaluator.compare(bits, y).map((ct) => encryptsZero(group, key.secret, ct));
      expect(zeros.length).toBe(11);
      expect(zeros.flatMap((z, delta) => (z ? [delta] : []))).toEqual(d <= 10 ? [d] : []);
    }
  });

  it('refuses a ball beyond the budget, naming the cost', () => {
    const rand = createPrng(9);
    const q = [psiInput(randomHash(rand, 'pdq', 256))];
    expect(() => ballExpansionClient(group, q, { ...DEFAULT_FUZZY_PARAMS, maxDistance: 31 })).toThrow(PsiError);
    expect(() => ballExpansionClient(group, q, { ...DEFAULT_FUZZY_PARAMS, maxDistance: 31 })).toThrow(
      /budget of 65536/,
    );
    expect(() => chunkedClient(group, q, { ...DEFAULT_FUZZY_PARAMS, maxDistance: 31, chunks: 4 })).toThrow(/budget/);
  });
});

describe('ball-expansion', () => {
  it('equals plaintext Hamming matching for near-duplicates at 0..r and non-members at r+1..r+8', () => {
    const r = 2;
    const { db, queries } = planted(11, 'test24', 24, 20, r);
    const truth = hammingTruth(db, queries, r);
    expect(truth.queryMatches).toEqual(Array.from({ length: r + 9 }, (_, d) => d <= r));
    const result = run('ball-expansion', db, queries, { ...DEFAULT_FUZZY_PARAMS, maxDistance: r });
    expect(result.matches).toEqual(truth.queryMatches);
    expect(result.costs.bytesPerPhoto.clientToServer).toBe(2 + 1 + 8 + ballSize(24, r) * 32);
    const report = fuzzyRunReport(
      'ball-expansion',
      { ...DEFAULT_FUZZY_PARAMS, maxDistance: r },
      ballSize(24, r),
      {
        client: result.client.transcript,
        server: result.server.transcript,
      },
      truth.queryMatches,
    );
    // The client learns each matching entry's hash exactly; nothing for non-members.
    expect(report.client?.perMatchingPhoto).toBeGreaterThanOrEqual(1);
    expect(report.client?.perNonMatchingPhoto).toBe(0);
  });
});

describe('chunked', () => {
  // Photos at every distance 0..r + 8, checked in slices of 5 (one session each) to keep each test short.
  for (const [algo, nbits, r, chunks, size] of [
    ['pdq', 256, 31, 32, 12],
    ['phash', 64, 10, 8, 20],
  ] as const) {
    const { db, queries } = planted(13 + r, algo, nbits, size, r);
    const truth = hammingTruth(db, queries, r);
    for (let from = 0; from < queries.length; from += 5) {
      const to = Math.min(queries.length, from + 5);
      it(`${algo} at r = ${r} with ${chunks} chunks, photos at distance ${from}..${to - 1}: equals plaintext Hamming matching`, () => {
        expect(truth.queryMatches).toEqual(Array.from({ length: r + 9 }, (_, d) => d <= r));
        const fuzzy = { ...DEFAULT_FUZZY_PARAMS, maxDistance: r, chunks };
        const result = run('chunked', db, queries.slice(from, to), fuzzy);
        expect(result.matches).toEqual(truth.queryMatches.slice(from, to));
        // Pigeonhole: every matching photo reached the server with its entry among the candidates.
        const candidates = result.server.transcript.events.flatMap((e) =>
          e.kind === 'computed' && e.what === 'candidates' ? [e.value as { photo: number; entries: number[] }] : [],
        );
        for (let d = from; d < Math.min(to, r + 1); d++)
          expect(candidates.find((c) => c.photo === d - from)?.entries).toContain(d % size);
      }, 180_000);
    }
  }

  it('a client refuses a filter cut into other chunks than its own', () => {
    const rand = createPrng(3);
    const client = chunkedClient(group, [psiInput(randomHash(rand, 'pdq', 256))], {
      ...DEFAULT_FUZZY_PARAMS,
      chunks: 16,
    });
    const filter = encodeChunkFilter(group, 256, 8, 1, new BloomFilter({ bits: 64, hashes: 2 }));
    expect(reasonOf(() => client.receive(filter))).toBe('parameter-mismatch');
  });

  it('the server learns candidates, not hashes; the second phase needs the client key', () => {
    const { db, queries } = planted(17, 'phash', 64, 40, 10);
    const fuzzy = { ...DEFAULT_FUZZY_PARAMS, maxDistance: 10, chunks: 8 };
    const server = chunkedServer(group, db, fuzzy, { falsePositiveRate: 1e-9 });
    const client = chunkedClient(group, queries.slice(0, 1), fuzzy);
    runParties(client, server, 1);
    const text = JSON.stringify(server.transcript.events.filter((e) => e.kind === 'computed'));
    expect(text).not.toContain(toHex(parsePsiInput(queries[0]!)));
  });
});

/** Independent oracle of chunked-tpsi's decision: chunks j where the photo's bits equal some entry's bits. */
function chunksMatchingAnyEntry(photo: Hash, database: readonly Hash[], chunks: number): number {
  const widths = chunkRanges(photo.nbits, chunks);
  const s = binary(photo);
  const rows = database.map(binary);
  return widths.filter(({ start, width }) =>
    rows.some((row) => row.slice(start, start + width) === s.slice(start, start + width)),
  ).length;
}

describe('chunked-tpsi', () => {
  it('opens exactly the photos with ≥ k matching chunks; with k = m − r it misses no photo within r', () => {
    const r = 8;
    const fuzzy = { ...DEFAULT_FUZZY_PARAMS, maxDistance: r, chunks: 16, minChunks: 16 - r };
    const { database, photos, db, queries } = planted(19, 'pdq', 256, 40, r);
    const tpsi = { ...DEFAULT_TPSI_PARAMS, threshold: 1, syntheticRate: 0 };
    const result = run('chunked-tpsi', db, queries, fuzzy, tpsi);
    const oracle = photos.map((p) => chunksMatchingAnyEntry(p, database, 16) >= fuzzy.minChunks);
    expect(result.matches).toEqual(oracle);
    const truth = hammingTruth(db, queries, r).queryMatches;
    expect(truth.every((m, i) => !m || result.matches[i])).toBe(true);
    const server = result.server as ChunkedTpsiServerParty;
    expect(server.vouchers().map((v) => v.chunksOpened.length)).toEqual(
      photos.map((p) => chunksMatchingAnyEntry(p, database, 16)),
    );
  });

  it('reveals nothing below the account threshold t and every match at t', () => {
    const r = 4;
    const fuzzy = { ...DEFAULT_FUZZY_PARAMS, maxDistance: r, chunks: 8, minChunks: 8 - r };
    const rand = createPrng(23);
    const database = Array.from({ length: 20 }, () => randomHash(rand, 'pdq', 256));
    const near = (i: number): Uint8Array => psiInput(atDistance(rand, database[i]!, 1 + (i % r)));
    const other = (): Uint8Array => psiInput(randomHash(rand, 'pdq', 256));
    const tpsi = { ...DEFAULT_TPSI_PARAMS, threshold: 3, syntheticRate: 0 };
    const db = database.map(psiInput);
    const below = run('chunked-tpsi', db, [near(0), other(), near(1), other()], fuzzy, tpsi);
    expect(below.matches).toEqual([false, false, false, false]);
    const at = run('chunked-tpsi', db, [near(0), other(), near(1), near(2)], fuzzy, tpsi);
    expect(at.matches).toEqual([true, false, true, true]);
  });
});
