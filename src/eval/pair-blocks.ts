// The all-pairs histogram as blocks of the pair matrix stored in the run: each block is a range of first rows holding
// about the same number of cross-group pairs, so an interrupted run resumes block by block and shards of a run
// (`--shard i/n`) take every n-th block; the histogram is the sum of the stored blocks.
import { orderedPool, siblingModule } from '../util/worker-pool.js';
import type { Shard } from '../util/shard.js';
import { allPairsHistogram, balancedRanges, crossGroupPairCount, type GroupedHashes } from './pair-distances.js';
import type { RunStore } from './store.js';

/** About this many pairs per block: a few seconds of kernel time, so little is lost when a run is killed. */
export const PAIRS_PER_BLOCK = 500_000_000;

/** Where a run keeps one algorithm's blocks, and which of them this process computes. */
export interface PairBlockTarget {
  readonly store: RunStore;
  readonly runId: string;
  /** Result table of the blocks, one per algorithm (e.g. `pairs:pdq`). */
  readonly table: string;
  readonly shard: Shard;
}

/** One stored block: its row range, and the histogram of the cross-group pairs whose first row lies in it. */
export interface PairBlock {
  readonly from: number;
  readonly to: number;
  readonly counts: readonly number[];
}

/**
 * How many blocks the pair matrix is cut into: a multiple of the shard count (so shards get equal shares) that keeps
 * blocks near PAIRS_PER_BLOCK. It depends only on the data and the shard count, never on --jobs.
 */
export function pairBlockCount(population: number, rows: number, shards: number): number {
  const perShard = Math.max(1, Math.ceil(population / shards / PAIRS_PER_BLOCK));
  return Math.max(1, Math.min(shards * perShard, Math.max(rows, 1)));
}

const keyOf = (block: number, blocks: number): string =>
  `${String(block).padStart(String(blocks - 1).length, '0')}/${blocks}`;

/**
 * Computes this shard's blocks that are not stored yet (in `jobs` workers), stores each as it finishes, and returns
 * the sum over every block stored for the run (all of them once a run is whole or its shards are merged) with the
 * row ranges it covers.
 */
export async function blockedAllPairs(
  g: GroupedHashes,
  target: PairBlockTarget,
  jobs: number,
): Promise<{ counts: number[]; covered: readonly (readonly [number, number])[]; complete: boolean }> {
  const population = crossGroupPairCount(g);
  const blocks = pairBlockCount(population, g.packed.count, target.shard.count);
  const ranges = balancedRanges(g, blocks);
  const stored = target.store.resultKeys(target.runId, target.table);
  const todo = ranges
    .map((range, b) => ({ b, range }))
    .filter(({ b }) => b % target.shard.count === target.shard.index && !stored.has(keyOf(b, ranges.length)));
  const save = (b: number, range: readonly [number, number], counts: number[]): void =>
    target.store.putResults(target.runId, target.table, [
      { key: keyOf(b, ranges.length), value: { from: range[0], to: range[1], counts } satisfies PairBlock },
    ]);
  if (jobs > 1 && todo.length > 1) {
    let k = 0;
    for await (const counts of orderedPool<[number, number], number[]>(
      siblingModule(import.meta.url, 'pair-worker'),
      g,
      todo.map((t) => t.range),
      jobs,
    )) {
      const { b, range } = todo[k++]!;
      save(b, range, counts);
    }
  } else for (const { b, range } of todo) save(b, range, allPairsHistogram(g, range[0], range[1]));

  const counts = new Array<number>(g.packed.nbits + 1).fill(0);
  const covered: [number, number][] = [];
  for (const { key, value } of target.store.getResults<PairBlock>(target.runId, target.table)) {
    if (!key.endsWith(`/${ranges.length}`)) continue;
    value.counts.forEach((c, d) => (counts[d]! += c));
    covered.push([value.from, value.to]);
  }
  return { counts, covered, complete: covered.length === ranges.length };
}
