// Re-identification by appearance: rank N candidate photos by how much each one's own thumbnail looks like a
// reconstruction, and count how often the true photo comes first (rank-1) or among the first five (rank-5), against
// chance (1/N, 5/N). Ties count against the true photo.
import { binomialCdf, wilson, type Proportion } from '../eval/binomial.js';
import { createPrng, deriveSeed } from '../util/prng.js';

/** The 1-based rank of candidate `truth` when scores are sorted best first; every tie ranks it lower. */
export function rankOfTruth(scores: readonly number[], truth: number, higherIsBetter = true): number {
  const t = scores[truth] ?? NaN;
  let rank = 1;
  scores.forEach((s, i) => {
    if (i !== truth && (higherIsBetter ? s >= t : s <= t)) rank++;
  });
  return rank;
}

/**
 * The candidate list of one target: the target itself and `n − 1` distinct others drawn without replacement from
 * `pool` (items of other groups), in a seeded random order. The target's position is returned as `truth`.
 */
export function drawCandidates(
  target: number,
  pool: readonly number[],
  n: number,
  seed: number,
): { readonly candidates: number[]; readonly truth: number } {
  if (n - 1 > pool.length) throw new RangeError(`need ${n - 1} distractors, only ${pool.length} available`);
  const prng = createPrng(seed);
  const shuffled = pool.slice();
  for (let i = 0; i < n - 1; i++) {
    const j = i + prng.nextInt(shuffled.length - i);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const candidates = shuffled.slice(0, n - 1);
  const truth = prng.nextInt(n);
  candidates.splice(truth, 0, target);
  return { candidates, truth };
}

/** Rank-1 and rank-5 rates over targets, with 95% Wilson intervals, and chance. */
export interface ReidentificationRates {
  readonly candidates: number;
  readonly n: number;
  readonly rank1: number;
  readonly rank1Interval: readonly [number, number];
  readonly rank5: number;
  readonly rank5Interval: readonly [number, number];
  readonly chance1: number;
  readonly chance5: number;
}

const interval = (p: Proportion): readonly [number, number] => [p.lower, p.upper];

export function reidentificationRates(ranks: readonly number[], candidates: number): ReidentificationRates {
  const n = ranks.length;
  const r1 = wilson(ranks.filter((r) => r === 1).length, n);
  const r5 = wilson(ranks.filter((r) => r <= 5).length, n);
  return {
    candidates,
    n,
    rank1: r1.estimate,
    rank1Interval: interval(r1),
    rank5: r5.estimate,
    rank5Interval: interval(r5),
    chance1: 1 / candidates,
    chance5: Math.min(1, 5 / candidates),
  };
}

/** The seed of one target's candidate draw: the same draw for every algorithm and method of a run. */
export const candidateSeed = (runSeed: number, targetId: string, n: number): number =>
  deriveSeed(runSeed, 'candidates', targetId, n);

/**
 * Two methods ranked on the same targets: how many targets only the first ranks first (`better`), only the second
 * (`worse`), and the exact two-sided McNemar p-value of that split (binomial, ½, over the discordant targets).
 */
export interface PairedRank1 {
  readonly better: number;
  readonly worse: number;
  readonly pValue: number;
}

export function pairedRank1(ranks: readonly number[], baseline: readonly number[]): PairedRank1 {
  let better = 0;
  let worse = 0;
  ranks.forEach((r, i) => {
    const b = baseline[i];
    if (r === 1 && b !== 1) better++;
    else if (r !== 1 && b === 1) worse++;
  });
  const n = better + worse;
  return { better, worse, pValue: n === 0 ? 1 : Math.min(1, 2 * binomialCdf(Math.min(better, worse), n, 0.5)) };
}
