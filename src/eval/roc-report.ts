// ROC summary of one algorithm from a robustness run (related pairs) and an FPR run (unrelated pairs).
import {
  STANDARD_FPR_TARGETS,
  auc,
  equalErrorRate,
  operatingPoints,
  tprAtFpr,
  type OperatingPoint,
  type TprAtFpr,
} from './roc.js';
import { aucInterval, type AucInterval } from './auc-interval.js';
import type { FprSummary } from './fpr.js';
import { total } from './histogram.js';
import type { RobustnessSummary } from './robustness-summary.js';

export interface RocReport {
  readonly algo: string;
  readonly nbits: number;
  readonly relatedPairs: number;
  readonly unrelatedPairs: number;
  readonly auc: number;
  /** Present when the FPR run kept per-image histograms (see auc-interval.ts for the method). */
  readonly aucInterval: AucInterval | null;
  readonly eer: { readonly rate: number; readonly threshold: number };
  readonly atFpr: readonly TprAtFpr[];
  readonly points: readonly OperatingPoint[];
}

/** Related pairs: every (image, edited copy) of the robustness run, optionally one transform only. */
export function rocReport(algo: string, robustness: RobustnessSummary, fpr: FprSummary, transform?: string): RocReport {
  const rel = robustness.algos[algo];
  const unrel = fpr.algos[algo];
  if (!rel || !unrel)
    throw new RangeError(
      `both runs must include ${algo} (robustness: ${Object.keys(robustness.algos).join(', ')}; fpr: ${Object.keys(fpr.algos).join(', ')})`,
    );
  const related = transform === undefined ? rel.overall : rel.perTransform[transform];
  if (!related) throw new RangeError(`the robustness run has no transform "${transform}"`);
  const unrelated = { nbits: unrel.nbits, counts: unrel.counts };
  const points = operatingPoints(related, unrelated);
  return {
    algo,
    nbits: rel.nbits,
    relatedPairs: total(related),
    unrelatedPairs: unrel.counts.reduce((s, c) => s + c, 0),
    auc: auc(related, unrelated),
    aucInterval: unrel.images ? aucInterval(related, unrelated, unrel.images) : null,
    eer: equalErrorRate(related, unrelated),
    atFpr: STANDARD_FPR_TARGETS.map((t) => tprAtFpr(points, t)),
    points,
  };
}
