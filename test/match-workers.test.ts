// Radius search from worker threads sharing the index memory must return exactly what a linear scan returns.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadIndex, saveIndex } from '../src/match/index-file.js';
import { scanRadius } from '../src/match/linear-scan.js';
import { buildIndex, type MatchIndex } from '../src/match/match-index.js';
import { matchQueries, matchQueriesInWorkers, type QueryHash } from '../src/match/match-queries.js';
import { chunkEnds, MatchWorkers } from '../src/match/match-workers.js';
import { evenLayout } from '../src/match/mih-plan.js';
import { unpackHash, type PackedHashes } from '../src/match/packed.js';
import { StringColumn } from '../src/match/string-column.js';
import { clusteredHashes, nearDuplicate, randomHashes, randomQuery } from '../src/match/synthetic.js';
import { createPrng, type Prng } from '../src/util/prng.js';

const dir = mkdtempSync(join(tmpdir(), 'scanlab-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Unrelated queries and near-duplicates of entries, packed one after another. */
function packedQueries(db: PackedHashes, rng: Prng, count: number): Int32Array {
  const out = new Int32Array(count * db.words);
  for (let q = 0; q < count; q++) {
    const hash = q % 3 === 0 ? randomQuery(db.nbits, rng) : nearDuplicate(db, rng.nextInt(db.count), q % 40, rng);
    out.set(hash, q * db.words);
  }
  return out;
}

async function expectWorkersEqualLinear(index: MatchIndex, queries: Int32Array, radii: number[]): Promise<void> {
  const db = index.list.hashes;
  const workers = MatchWorkers.start(index, 2, { method: 'mih' });
  try {
    for (const r of radii) {
      const found = await workers.radius(queries, r);
      expect(found.length).toBe(queries.length / db.words);
      found.forEach((matches, q) =>
        expect(matches, `query ${q} r=${r}`).toEqual(
          scanRadius(db, queries.subarray(q * db.words, (q + 1) * db.words), r),
        ),
      );
    }
    expect(await workers.radius(new Int32Array(0), 5)).toEqual([]);
  } finally {
    await workers.close();
  }
}

describe('MatchWorkers', () => {
  it('equals the linear scan on clustered 256-bit and random 64-bit databases, in query order', async () => {
    const rng = createPrng(51);
    const clustered = clusteredHashes(4000, 256, { centres: 25, maxFlips: 40 }, rng, true);
    const index = buildIndex(
      { algo: 'pdq', hashes: clustered, ids: null, columns: [] },
      { layout: evenLayout(256, 16, 11), shared: true },
    );
    await expectWorkersEqualLinear(index, packedQueries(clustered, rng, 300), [0, 12, 31, 48]);
    const random = randomHashes(3000, 64, rng, true);
    const small = buildIndex(
      { algo: 'phash', hashes: random, ids: null, columns: [] },
      { layout: evenLayout(64, 4, 11), shared: true },
    );
    await expectWorkersEqualLinear(small, packedQueries(random, rng, 200), [0, 5, 14]);
  });

  it('serves an index loaded from a file into shared memory', async () => {
    const rng = createPrng(52);
    const hashes = clusteredHashes(3000, 256, { centres: 30, maxFlips: 30 }, rng);
    const path = join(dir, 'db.scanidx');
    await saveIndex(
      path,
      buildIndex({ algo: 'pdq', hashes, ids: null, columns: [] }, { layout: evenLayout(256, 13, 12) }),
    );
    const loaded = await loadIndex(path, { shared: true });
    expect(loaded.list.hashes.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    await expectWorkersEqualLinear(loaded, packedQueries(hashes, rng, 150), [31]);
  });

  it('refuses an index that is not on shared memory, in one line', () => {
    const rng = createPrng(53);
    const index = buildIndex({ algo: 'pdq', hashes: randomHashes(500, 256, rng), ids: null, columns: [] });
    expect(() => MatchWorkers.start(index, 2)).toThrow(
      /^searching from worker threads needs the index on shared memory \(build or load it with \{ shared: true \}\)$/,
    );
    expect(() => MatchWorkers.start(index, 0)).toThrow('jobs must be a positive integer, got 0');
    const linearOnly = buildIndex({ ...index.list, hashes: randomHashes(50, 256, rng, true) }, { shared: true });
    expect(() => MatchWorkers.start(linearOnly, 1, { method: 'mih' })).toThrow('this index has no substring tables');
  });
});

describe('chunks of a batch', () => {
  it('cover every query once, in order, 8 to 64 at a time, shrinking towards the end', () => {
    for (const jobs of [1, 2, 16]) {
      for (const count of [0, 5, 100, 1000, 100_000]) {
        const ends = chunkEnds(count, jobs);
        const sizes = ends.map((end, i) => end - (i === 0 ? 0 : ends[i - 1]!));
        expect(ends.at(-1) ?? 0).toBe(count);
        expect(sizes.every((size) => size > 0 && size <= 64)).toBe(true);
        expect(sizes.slice(0, -1).every((size) => size >= Math.min(8, count))).toBe(true);
        expect(sizes.slice(0, -1).every((size, i) => size >= sizes[i + 1]!)).toBe(true);
      }
    }
    expect(chunkEnds(1000, 2).slice(0, 2)).toEqual([64, 128]);
    expect(chunkEnds(1000, 2).at(-2)).toBe(993);
  });
});

describe('matchQueriesInWorkers', () => {
  it('gives the rows of a linear-scan matchQueries, each query at its best distance over its hashes', async () => {
    const rng = createPrng(54);
    const hashes = clusteredHashes(3000, 256, { centres: 20, maxFlips: 30 }, rng, true);
    const list = {
      algo: 'pdq',
      hashes,
      ids: StringColumn.from(Array.from({ length: 3000 }, (_, i) => `e${i}`)),
      columns: [],
    };
    const index = buildIndex(list, { layout: evenLayout(256, 16, 11), shared: true });
    const queries: QueryHash[] = [];
    for (let q = 0; q < 150; q++) {
      // Three hashes per query, like rotations of one photo: a near-duplicate and two unrelated hashes.
      const near = nearDuplicate(hashes, rng.nextInt(3000), q % 35, rng);
      for (const words of [near, randomQuery(256, rng), randomQuery(256, rng)])
        queries.push({ query: `q${q % 100}`, hash: unpackHash({ ...hashes, count: 1, data: words }, 'pdq', 0) });
    }
    const rows = await matchQueriesInWorkers(index, queries, { threshold: 31, jobs: 2 });
    expect(rows).toEqual(matchQueries(index, queries, { threshold: 31, method: 'linear' }));
    expect(rows.length).toBeGreaterThan(100);
  });
});
