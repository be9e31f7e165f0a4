// ROC analysis from the two distance histograms: TPR/FPR at every threshold with intervals, AUC, EER, TPR at fixed FPR.
import { proportion, type IntervalMethod, type Proportion } from './binomial.js';
import { countAtMost, total, type DistanceHistogram } from './histogram.js';

/** Rates at one threshold τ: a pair matches when its distance is ≤ τ. */
export interface OperatingPoint {
  readonly threshold: number;
  readonly tpr: Proportion;
  readonly fpr: Proportion;
}

/** TPR and FPR with intervals at every threshold 0..nbits. */
export function operatingPoints(
  related: DistanceHistogram,
  unrelated: DistanceHistogram,
  method: IntervalMethod = 'clopper-pearson',
): OperatingPoint[] {
  if (related.nbits !== unrelated.nbits) throw new RangeError('related and unrelated histograms differ in bit length');
  const nr = total(related);
  const nu = total(unrelated);
  return Array.from({ length: related.nbits + 1 }, (_, t) => ({
    threshold: t,
    tpr: proportion(countAtMost(related, t), nr, method),
    fpr: proportion(countAtMost(unrelated, t), nu, method),
  }));
}

/** Area under the ROC curve = P[d_related < d_unrelated] + ½ P[tie], computed exactly from the histograms. */
export function auc(related: DistanceHistogram, unrelated: DistanceHistogram): number {
  const nr = total(related);
  const nu = total(unrelated);
  let below = 0;
  let sum = 0;
  for (let d = 0; d <= related.nbits; d++) {
    sum += related.counts[d]! * (nu - below - unrelated.counts[d]! + 0.5 * unrelated.counts[d]!);
    below += unrelated.counts[d]!;
  }
  return sum / (nr * nu);
}

/** Equal-error rate: where FPR(τ) = 1 − TPR(τ), interpolated linearly between the integer thresholds around it. */
export function equalErrorRate(
  related: DistanceHistogram,
  unrelated: DistanceHistogram,
): { rate: number; threshold: number } {
  const nr = total(related);
  const nu = total(unrelated);
  let prev = { t: -1, fpr: 0, fnr: 1 };
  for (let t = 0; t <= related.nbits; t++) {
    const fpr = countAtMost(unrelated, t) / nu;
    const fnr = 1 - countAtMost(related, t) / nr;
    if (fpr >= fnr) {
      const gapPrev = prev.fnr - prev.fpr;
      const gapHere = fpr - fnr;
      const w = gapPrev + gapHere === 0 ? 0 : gapPrev / (gapPrev + gapHere);
      return { rate: prev.fpr + w * (fpr - prev.fpr), threshold: prev.t + w };
    }
    prev = { t, fpr, fnr };
  }
  return { rate: prev.fpr, threshold: related.nbits };
}

/** TPR at the largest threshold whose FPR is at most the target; `supported` is false when n_unrelated < 3/target. */
export interface TprAtFpr {
  readonly targetFpr: number;
  readonly supported: boolean;
  readonly threshold: number | null;
  readonly tpr: Proportion | null;
  readonly fpr: Proportion | null;
}

export function tprAtFpr(points: readonly OperatingPoint[], targetFpr: number): TprAtFpr {
  const nu = points[0]?.fpr.n ?? 0;
  const supported = nu >= 3 / targetFpr;
  let best: OperatingPoint | undefined;
  for (const p of points) if (p.fpr.estimate <= targetFpr) best = p;
  if (!supported || !best) return { targetFpr, supported, threshold: null, tpr: null, fpr: null };
  return { targetFpr, supported, threshold: best.threshold, tpr: best.tpr, fpr: best.fpr };
}

export const STANDARD_FPR_TARGETS = [1e-2, 1e-3, 1e-4, 1e-6] as const;
