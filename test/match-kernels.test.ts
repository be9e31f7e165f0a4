// Packed-hash kernels against a naive reference: distances, linear radius and k-nearest scans, batches.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/hash/bits.js';
import { hammingBytes } from '../src/hash/hamming.js';
import type { Hash } from '../src/hash/types.js';
import { distanceKernel, distanceWords } from '../src/match/distance.js';
import { scanNearest, scanNearestBatch, scanRadius, scanRadiusBatch } from '../src/match/linear-scan.js';
import { packHash, packHashes, unpackHash, wordsFor, type PackedHashes } from '../src/match/packed.js';
import { clusteredHashes, randomHashes } from '../src/match/synthetic.js';
import { createPrng } from '../src/util/prng.js';

const LENGTHS = [8, 42, 64, 96, 100, 128, 256, 288];

function naiveDistances(hashes: PackedHashes, query: Hash): number[] {
  return Array.from({ length: hashes.count }, (_, i) =>
    hammingBytes(unpackHash(hashes, query.algo, i).bits, query.bits),
  );
}

function naiveRadius(hashes: PackedHashes, query: Hash, r: number): { index: number; distance: number }[] {
  return naiveDistances(hashes, query)
    .map((distance, index) => ({ index, distance }))
    .filter((m) => m.distance <= r)
    .sort((a, b) => a.distance - b.distance || a.index - b.index);
}

describe('packing', () => {
  it('round-trips hashes of every length through packed words, padding bits on top of word 0', () => {
    const rng = createPrng(1);
    for (const nbits of LENGTHS) {
      const packed = randomHashes(50, nbits, rng);
      const pad = wordsFor(nbits) * 32 - nbits;
      for (let i = 0; i < packed.count; i++) {
        const h = unpackHash(packed, 'x', i);
        expect(h.bits.length).toBe(Math.ceil(nbits / 8));
        const again = fromHex('x', nbits, toHex(h));
        expect(Array.from(packHash(again))).toEqual(
          Array.from(packed.data.subarray(i * packed.words, (i + 1) * packed.words)),
        );
        if (pad > 0) expect(packed.data[i * packed.words]! >>> (32 - pad)).toBe(0);
      }
    }
  });

  it('puts the canonical hex in big-endian word order', () => {
    const h = fromHex('pdq', 64, '0123456789abcdef');
    expect(Array.from(packHash(h), (w) => (w >>> 0).toString(16))).toEqual(['1234567', '89abcdef']);
    const odd = fromHex('colorhash', 42, '3ffffffffff');
    expect(Array.from(packHash(odd), (w) => (w >>> 0).toString(16))).toEqual(['3ff', 'ffffffff']);
  });

  it('refuses to pack hashes of mixed lengths or algorithms', () => {
    const a = fromHex('phash', 64, '0'.repeat(16));
    const b = fromHex('phash', 256, '0'.repeat(64));
    const c = fromHex('dhash', 64, '0'.repeat(16));
    expect(() => packHashes([a, b])).toThrow(/mixed hashes/);
    expect(() => packHashes([a, c])).toThrow(/mixed hashes/);
  });
});

describe('distance kernels', () => {
  it('equal the byte-wise Hamming distance for every length, including all-ones words', () => {
    const rng = createPrng(2);
    for (const nbits of LENGTHS) {
      const a = randomHashes(200, nbits, rng);
      const b = randomHashes(200, nbits, rng);
      const kernel = distanceKernel(a.words);
      for (let i = 0; i < a.count; i++) {
        const expected = hammingBytes(unpackHash(a, 'x', i).bits, unpackHash(b, 'x', i).bits);
        expect(kernel(a.data, i * a.words, b.data, i * b.words)).toBe(expected);
        expect(distanceWords(a.data, i * a.words, b.data, i * b.words, a.words)).toBe(expected);
      }
    }
    const ones = new Int32Array(64).fill(-1);
    const zeros = new Int32Array(64);
    expect(distanceWords(ones, 0, zeros, 0, 64)).toBe(2048);
    expect(distanceKernel(8)(ones, 0, zeros, 0)).toBe(256);
    expect(distanceKernel(2)(ones, 0, zeros, 0)).toBe(64);
  });
});

describe('linear scan', () => {
  it('finds exactly the entries within each radius, sorted by distance then position', () => {
    const rng = createPrng(3);
    for (const nbits of [42, 64, 96, 256]) {
      const db = clusteredHashes(400, nbits, { centres: 5, maxFlips: Math.floor(nbits / 4) }, rng);
      for (let q = 0; q < 5; q++) {
        const query = unpackHash(randomHashes(1, nbits, rng), 'x', 0);
        const near = unpackHash(db, 'x', rng.nextInt(db.count));
        for (const h of [query, near]) {
          for (const r of [0, 1, Math.floor(nbits / 8), Math.floor(nbits / 3), nbits]) {
            expect(scanRadius(db, packHash(h), r)).toEqual(naiveRadius(db, h, r));
          }
        }
      }
    }
  });

  it('returns the k nearest with ties broken by position', () => {
    const rng = createPrng(4);
    for (const nbits of [64, 96, 256]) {
      const db = clusteredHashes(300, nbits, { centres: 3, maxFlips: 8 }, rng);
      const query = unpackHash(db, 'x', 17);
      const all = naiveRadius(db, query, nbits);
      for (const k of [0, 1, 5, 37, 300, 1000]) expect(scanNearest(db, packHash(query), k)).toEqual(all.slice(0, k));
    }
  });

  it('answers batches of queries exactly as one query at a time, across block boundaries', () => {
    const rng = createPrng(5);
    const db = clusteredHashes(20_000, 256, { centres: 20, maxFlips: 40 }, rng);
    const queries = new Int32Array(6 * db.words);
    for (let q = 0; q < 6; q++)
      queries.set(db.data.subarray(q * 3001 * db.words, (q * 3001 + 1) * db.words), q * db.words);
    const batch = scanRadiusBatch(db, queries, 45);
    const nearest = scanNearestBatch(db, queries, 10);
    for (let q = 0; q < 6; q++) {
      const one = queries.subarray(q * db.words, (q + 1) * db.words);
      expect(batch[q]).toEqual(scanRadius(db, one, 45));
      expect(batch[q]!.length).toBeGreaterThan(1);
      expect(nearest[q]).toEqual(scanNearest(db, one, 10));
    }
  });
});
