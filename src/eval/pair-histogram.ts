// The unrelated-pair histogram of one algorithm: all cross-group pairs (split across workers) or a seeded sample,
// less the pairs flagged as duplicates.
import { orderedPool, siblingModule } from '../util/worker-pool.js';
import { blockedAllPairs, type PairBlockTarget } from './pair-blocks.js';
import {
  allPairsHistogram,
  balancedRanges,
  crossGroupPairCount,
  rowDistance,
  sampledPairsHistogram,
  type GroupedHashes,
} from './pair-distances.js';

export interface PairHistogram {
  readonly nbits: number;
  readonly counts: number[];
  /** Cross-group pairs in the dataset, before sampling and exclusions. */
  readonly population: number;
  readonly sampled: boolean;
  readonly excluded: number;
}

export interface PairHistogramOptions {
  readonly maxPairs: number;
  readonly seed: number;
  readonly jobs?: number;
  /** Row index pairs to leave out (known duplicates across groups). */
  readonly exclude?: readonly (readonly [number, number])[];
  /** Store the all-pairs histogram in the run as blocks (resumable, shardable) instead of computing it in one go. */
  readonly blocks?: PairBlockTarget;
}

/** Runs the all-pairs kernel over balanced row ranges in `jobs` workers and adds the histograms. */
export async function parallelAllPairs(hashes: GroupedHashes, jobs: number): Promise<number[]> {
  if (jobs <= 1) return allPairsHistogram(hashes);
  const total = new Array<number>(hashes.packed.nbits + 1).fill(0);
  for await (const part of orderedPool<[number, number], number[]>(
    siblingModule(import.meta.url, 'pair-worker'),
    hashes,
    balancedRanges(hashes, jobs),
    jobs,
  )) {
    part.forEach((c, d) => (total[d]! += c));
  }
  return total;
}

export async function unrelatedPairHistogram(
  hashes: GroupedHashes,
  options: PairHistogramOptions,
): Promise<PairHistogram> {
  const nbits = hashes.packed.nbits;
  const population = crossGroupPairCount(hashes);
  const exclude = options.exclude ?? [];
  if (population <= options.maxPairs && options.blocks) {
    const { counts, covered } = await blockedAllPairs(hashes, options.blocks, options.jobs ?? 1);
    const inCovered = (row: number): boolean => covered.some(([from, to]) => row >= from && row < to);
    const dropped = exclude.filter(([i, j]) => inCovered(Math.min(i, j)));
    for (const [i, j] of dropped) counts[rowDistance(hashes, i, j)]!--;
    return { nbits, counts, population, sampled: false, excluded: dropped.length };
  }
  if (population <= options.maxPairs) {
    const counts = await parallelAllPairs(hashes, options.jobs ?? 1);
    for (const [i, j] of exclude) counts[rowDistance(hashes, i, j)]!--;
    return { nbits, counts, population, sampled: false, excluded: exclude.length };
  }
  // Sampling draws pairs uniformly; duplicates are a vanishing share of a sampled population and are not removed.
  const counts = sampledPairsHistogram(hashes, options.maxPairs, options.seed);
  return { nbits, counts, population, sampled: true, excluded: 0 };
}
