// Multi-index hashing must return exactly what a linear scan returns, for every radius, on random and clustered data.
import { describe, expect, it } from 'vitest';
import { hashListFromHashes } from '../src/match/hash-list.js';
import { scanNearest, scanRadius } from '../src/match/linear-scan.js';
import { buildIndex, IndexSearcher, type MatchIndex } from '../src/match/match-index.js';
import { evenLayout, linearCost, mihCost, mihPays, planLayout } from '../src/match/mih-plan.js';
import { MihSearcher, tableRadius } from '../src/match/mih-search.js';
import { unpackHash, type PackedHashes } from '../src/match/packed.js';
import { neighbourCount, neighbourMasks, substringKey } from '../src/match/substring.js';
import { buildSubstringTable } from '../src/match/substring-table.js';
import { clusteredHashes, nearDuplicate, randomHashes, randomQuery } from '../src/match/synthetic.js';
import { createPrng, type Prng } from '../src/util/prng.js';

const indexOf = (hashes: PackedHashes, m: number, width: number): MatchIndex => ({
  list: { algo: 'x', hashes, ids: null, columns: [] },
  designRadius: 0,
  tables: evenLayout(hashes.nbits, m, width).map((l) => buildSubstringTable(hashes, l)),
});

/** Queries: unrelated random hashes, database entries, and near-duplicates of entries. */
function queriesFor(db: PackedHashes, rng: Prng, each: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let i = 0; i < each; i++) {
    out.push(randomQuery(db.nbits, rng));
    out.push(nearDuplicate(db, rng.nextInt(db.count), 0, rng));
    out.push(nearDuplicate(db, rng.nextInt(db.count), 1 + rng.nextInt(Math.floor(db.nbits / 4)), rng));
  }
  return out;
}

function expectMihEqualsLinear(
  db: PackedHashes,
  layouts: [number, number][],
  queries: Int32Array[],
  radii: number[],
): void {
  for (const [m, width] of layouts) {
    const searcher = new MihSearcher(db, indexOf(db, m, width).tables);
    for (const q of queries) {
      for (const r of radii) expect(searcher.radius(q, r), `m=${m} w=${width} r=${r}`).toEqual(scanRadius(db, q, r));
    }
  }
}

const allRadii = (nbits: number): number[] => Array.from({ length: nbits + 1 }, (_, r) => r);

describe('substrings', () => {
  it('reads bit ranges across word boundaries, most significant first', () => {
    const data = new Int32Array([0x12345678, 0x9abcdef0 | 0]);
    expect(substringKey(data, 0, 0, 8)).toBe(0x12);
    expect(substringKey(data, 0, 4, 8)).toBe(0x23);
    expect(substringKey(data, 0, 28, 8)).toBe(0x89);
    expect(substringKey(data, 0, 24, 16)).toBe(0x789a);
    expect(substringKey(data, 0, 32, 28)).toBe(0x9abcdef);
    expect(substringKey(data, 0, 36, 28)).toBe(0xabcdef0);
  });

  it('enumerates every mask within the radius exactly once, fewest bits first', () => {
    for (const [width, radius] of [
      [1, 0],
      [5, 2],
      [10, 3],
      [12, 12],
      [20, 2],
    ] as const) {
      const masks = Array.from(neighbourMasks(width, radius));
      expect(masks.length).toBe(neighbourCount(width, radius));
      expect(new Set(masks).size).toBe(masks.length);
      const pop = (x: number): number => x.toString(2).replace(/0/g, '').length;
      expect(masks.every((x) => x >= 0 && x < 2 ** width && pop(x) <= radius)).toBe(true);
      expect(masks.map(pop)).toEqual([...masks.map(pop)].sort((a, b) => a - b));
    }
    expect(neighbourCount(23, 2)).toBe(1 + 23 + 253);
  });

  it('groups every position under its substring key', () => {
    const rng = createPrng(7);
    const db = randomHashes(3000, 96, rng);
    for (const layout of [
      { start: 0, width: 10 },
      { start: 27, width: 11 },
      { start: 60, width: 3 },
    ]) {
      const t = buildSubstringTable(db, layout);
      const seen = new Set<number>();
      for (let key = 0; key < 2 ** layout.width; key++) {
        const begin = t.blockBase[key >> t.blockShift]! + t.bucketOffset[key]!;
        const end = t.blockBase[(key + 1) >> t.blockShift]! + t.bucketOffset[key + 1]!;
        for (let j = begin; j < end; j++) {
          expect(substringKey(db.data, t.ids[j]! * db.words, layout.start, layout.width)).toBe(key);
          if (j > begin) expect(t.ids[j]!).toBeGreaterThan(t.ids[j - 1]!);
          seen.add(t.ids[j]!);
        }
      }
      expect(seen.size).toBe(db.count);
    }
  });

  it('keeps directory offsets exact when one bucket holds more than 65535 entries', () => {
    const db = clusteredHashes(70_000, 64, { centres: 1, maxFlips: 0 }, createPrng(8));
    const t = buildSubstringTable(db, { start: 0, width: 8 });
    expect(t.blockShift).toBe(0);
    const key = substringKey(db.data, 0, 0, 8);
    expect(t.blockBase[key + 1]! + t.bucketOffset[key + 1]! - (t.blockBase[key]! + t.bucketOffset[key]!)).toBe(70_000);
  });
  it('chooses the widest directory block whose offsets fit in 16 bits, and every bucket stays exact', () => {
    // 2^17 buckets: 200,000 entries put ~50,000 in each block of 2^15 buckets (fits), 300,000 put ~75,000 (does not).
    for (const [count, shift] of [
      [200_000, 15],
      [300_000, 14],
    ] as const) {
      const db = randomHashes(count, 64, createPrng(9));
      const layout = { start: 20, width: 17 };
      const t = buildSubstringTable(db, layout);
      expect(t.blockShift).toBe(shift);
      expect(t.blockBase.length).toBe(2 ** (17 - shift) + 1);
      const sizes = new Int32Array(2 ** 17);
      for (let i = 0; i < count; i++) sizes[substringKey(db.data, i * db.words, layout.start, layout.width)]!++;
      let begin = 0;
      let wrong = 0;
      for (let key = 0; key < 2 ** 17; key++) {
        if (t.blockBase[key >> t.blockShift]! + t.bucketOffset[key]! !== begin) wrong++;
        begin += sizes[key]!;
      }
      expect(wrong).toBe(0);
      expect(t.blockBase[(2 ** 17) >> t.blockShift]! + t.bucketOffset[2 ** 17]!).toBe(count);
    }
  });
});

describe('the pigeonhole schedule', () => {
  it('probes the first a+1 tables at s and the rest at s-1 for r = s*m + a', () => {
    expect([0, 1, 2, 3].map((t) => tableRadius(5, 4, t))).toEqual([1, 1, 0, 0]);
    expect([0, 1, 2, 3].map((t) => tableRadius(2, 4, t))).toEqual([0, 0, 0, -1]);
    expect([0, 1, 2].map((t) => tableRadius(8, 3, t))).toEqual([2, 2, 2]);
    for (let m = 1; m <= 9; m++) {
      for (let r = 0; r < 60; r++) {
        const radii = Array.from({ length: m }, (_, t) => tableRadius(r, m, t));
        // Exactness: distances of at least radius+1 in every table would sum to more than r.
        expect(radii.reduce((sum, s) => sum + s + 1, 0)).toBe(r + 1);
      }
    }
  });
});

describe('MIH search equals the linear scan', () => {
  it('on uniformly random 64-bit hashes, every radius, several layouts', () => {
    const rng = createPrng(11);
    const db = randomHashes(1500, 64, rng);
    expectMihEqualsLinear(
      db,
      [
        [1, 12],
        [3, 8],
        [4, 16],
        [8, 6],
      ],
      queriesFor(db, rng, 2),
      allRadii(64),
    );
  });

  it('on clustered 64-bit hashes, every radius', () => {
    const rng = createPrng(12);
    const db = clusteredHashes(1500, 64, { centres: 12, maxFlips: 12 }, rng);
    expectMihEqualsLinear(
      db,
      [
        [2, 11],
        [4, 9],
        [7, 9],
      ],
      queriesFor(db, rng, 2),
      allRadii(64),
    );
  });

  it('on 42-bit and 96-bit hashes (padding, odd word counts), every radius', () => {
    const rng = createPrng(13);
    for (const nbits of [42, 96]) {
      const db = clusteredHashes(800, nbits, { centres: 8, maxFlips: 10 }, rng);
      expectMihEqualsLinear(
        db,
        [
          [3, 9],
          [5, 8],
        ],
        queriesFor(db, rng, 2),
        allRadii(nbits),
      );
    }
  });

  it('on random and clustered 256-bit hashes up to radius 80, and at 128 and 256', () => {
    const rng = createPrng(14);
    const radii = [...Array.from({ length: 81 }, (_, r) => r), 128, 256];
    const random = randomHashes(2000, 256, rng);
    expectMihEqualsLinear(
      random,
      [
        [16, 11],
        [24, 10],
      ],
      queriesFor(random, rng, 2),
      radii,
    );
    const clustered = clusteredHashes(2000, 256, { centres: 15, maxFlips: 48 }, rng);
    expectMihEqualsLinear(
      clustered,
      [
        [16, 11],
        [32, 8],
      ],
      queriesFor(clustered, rng, 2),
      radii,
    );
  });

  it('counts both halves of a 256-bit hash: differences in either half alone decide the match', () => {
    const rng = createPrng(16);
    const db = randomHashes(4000, 256, rng);
    const q = randomQuery(256, rng);
    // Entries 0..5: the query with `flips` bits flipped among positions [from, from+128) (word-aligned halves).
    const planted: [number, number][] = [
      [0, 31],
      [0, 32],
      [128, 31],
      [128, 32],
      [128, 100],
      [0, 100],
    ];
    planted.forEach(([from, flips], e) => {
      db.data.set(q, e * 8);
      for (let b = 0; b < flips; b++) db.data[e * 8 + ((from + b) >> 5)]! ^= 1 << (31 - ((from + b) & 31));
    });
    const searcher = new MihSearcher(db, indexOf(db, 16, 11).tables);
    expect(searcher.radius(q, 31)).toEqual([
      { index: 0, distance: 31 },
      { index: 2, distance: 31 },
    ]);
    expect(searcher.radius(q, 31)).toEqual(scanRadius(db, q, 31));
    for (const r of [30, 32, 99, 100, 128]) expect(searcher.radius(q, r)).toEqual(scanRadius(db, q, r));
  });

  it('finds nothing in an empty database, and every entry of a one-bucket database', () => {
    const rng = createPrng(17);
    const empty = randomHashes(0, 256, rng);
    expect(new MihSearcher(empty, indexOf(empty, 8, 4).tables).radius(randomQuery(256, rng), 256)).toEqual([]);
    const same = clusteredHashes(50, 64, { centres: 1, maxFlips: 0 }, rng);
    const q = nearDuplicate(same, 0, 3, rng);
    expect(new MihSearcher(same, indexOf(same, 4, 10).tables).radius(q, 3)).toEqual(scanRadius(same, q, 3));
    expect(scanRadius(same, q, 3)).toHaveLength(50);
  });

  it('does not depend on scratch left over from earlier queries', () => {
    const rng = createPrng(15);
    const db = clusteredHashes(1000, 64, { centres: 4, maxFlips: 6 }, rng);
    const searcher = new MihSearcher(db, indexOf(db, 4, 10).tables);
    const q = nearDuplicate(db, 3, 2, rng);
    const first = searcher.radius(q, 20);
    for (let i = 0; i < 5; i++) searcher.radius(randomQuery(64, rng), 30);
    expect(searcher.radius(q, 20)).toEqual(first);
    expect(first.length).toBeGreaterThan(10);
  });
});

describe('index searcher', () => {
  it('k-nearest through MIH equals the linear k-nearest, for random and clustered data', () => {
    const rng = createPrng(21);
    for (const db of [randomHashes(1200, 64, rng), clusteredHashes(1200, 64, { centres: 6, maxFlips: 16 }, rng)]) {
      const index = indexOf(db, 4, 10);
      const mih = new IndexSearcher(index, { method: 'mih' });
      for (const q of queriesFor(db, rng, 2)) {
        for (const k of [1, 3, 10, 100, 1200, 5000]) expect(mih.nearest(q, k)).toEqual(scanNearest(db, q, k));
      }
    }
  });

  it('auto mode gives the linear answer whichever method it picks', () => {
    const rng = createPrng(22);
    const db = clusteredHashes(5000, 256, { centres: 30, maxFlips: 40 }, rng);
    const list = { algo: 'pdq', hashes: db, ids: null, columns: [] };
    const index = buildIndex(list, { radius: 31 });
    expect(index.tables.length).toBeGreaterThan(0);
    const auto = new IndexSearcher(index);
    expect(auto.methodFor(31)).toBe('mih');
    expect(auto.methodFor(200)).toBe('linear');
    for (const q of queriesFor(db, rng, 2)) {
      for (const r of [0, 10, 31, 63, 100, 256]) expect(auto.radius(q, r)).toEqual(scanRadius(db, q, r));
      expect(auto.nearest(q, 7)).toEqual(scanNearest(db, q, 7));
    }
  });

  it('checks the query hash against the index algorithm and length', () => {
    const rng = createPrng(23);
    const db = randomHashes(3, 64, rng);
    const hashes = [0, 1, 2].map((i) => unpackHash(db, 'phash', i));
    const index = buildIndex(hashListFromHashes(hashes));
    const searcher = new IndexSearcher(index);
    expect(searcher.radius(hashes[1]!, 0)).toEqual([{ index: 1, distance: 0 }]);
    expect(() => searcher.radius({ ...hashes[0]!, algo: 'dhash' }, 3)).toThrow(
      /cannot search 64-bit phash hashes with a 64-bit dhash hash/,
    );
    expect(() => new IndexSearcher(buildIndex(hashListFromHashes(hashes), { layout: [] }), { method: 'mih' })).toThrow(
      /no substring tables/,
    );
  });
});

describe('planning', () => {
  it('follows Norouzi et al.: wider substrings and fewer tables for larger databases', () => {
    const small = planLayout(256, 100_000, 31);
    const large = planLayout(256, 10_000_000, 31);
    expect(small.length).toBeGreaterThan(large.length);
    expect(large[0]!.width).toBeGreaterThan(small[0]!.width);
    for (const plan of [small, large]) {
      expect(plan.length * plan[0]!.width).toBeLessThanOrEqual(256);
      for (let t = 1; t < plan.length; t++)
        expect(plan[t]!.start).toBeGreaterThanOrEqual(plan[t - 1]!.start + plan[t - 1]!.width);
    }
    expect(2 ** large[0]!.width).toBeLessThanOrEqual(10_000_000);
  });

  it('falls back to the linear scan when the radius is too large or the list too small', () => {
    expect(planLayout(256, 50, 31)).toEqual([]);
    const layout = planLayout(256, 1_000_000, 31);
    expect(mihPays(1_000_000, 256, layout, 31)).toBe(true);
    expect(mihPays(1_000_000, 256, layout, 63)).toBe(false);
    expect(mihCost(1_000_000, layout, 63)).toBeGreaterThan(linearCost(1_000_000, 256));
    expect(mihPays(1_000_000, 256, layout, 256)).toBe(false);
  });

  it('never indexes the padding bits of short hashes', () => {
    for (const nbits of [42, 100]) {
      const plan = planLayout(nbits, 1_000_000, 5);
      const pad = Math.ceil(nbits / 32) * 32 - nbits;
      expect(plan.length).toBeGreaterThan(0);
      expect(plan.every((l) => l.start >= pad && l.start + l.width <= pad + nbits)).toBe(true);
    }
  });
});
