// ROC sections: a robustness run (related pairs) and an FPR run (unrelated pairs) on the same algorithms give ROC
// curves, AUC, the equal-error rate, TPR at standard FPR targets, and the two distance histograms side by side.
import { AUC_INTERVAL_METHOD, aucInterval, type AucInterval } from '../../eval/auc-interval.js';
import { formatProportion } from '../../eval/binomial.js';
import type { FprSummary } from '../../eval/fpr.js';
import type { DistanceHistogram } from '../../eval/histogram.js';
import { total } from '../../eval/histogram.js';
import type { RobustnessSummary } from '../../eval/robustness-summary.js';
import {
  auc,
  equalErrorRate,
  operatingPoints,
  STANDARD_FPR_TARGETS,
  tprAtFpr,
  type OperatingPoint,
  type TprAtFpr,
} from '../../eval/roc.js';
import { distanceHistogramChart } from '../charts/distance-histograms.js';
import { rocChart } from '../charts/roc-curves.js';
import { summariesOf, type RunWithSummary, type SectionContributor } from '../context.js';
import { formatCount, formatFixed, numberCell, proportionCell, textCell } from '../format.js';
import type { Cell, KeyNumber, ReportSection } from '../model.js';
import type { ResolvedReportOptions } from '../options.js';

export interface AlgoRoc {
  readonly algo: string;
  readonly threshold: number;
  readonly related: DistanceHistogram;
  readonly unrelated: DistanceHistogram;
  readonly points: OperatingPoint[];
  readonly auc: number;
  /** The AUC's interval when the FPR run kept per-image histograms. */
  readonly aucInterval: AucInterval | null;
  readonly eer: { readonly rate: number; readonly threshold: number };
  readonly atTargets: TprAtFpr[];
}

/** ROC analysis of every algorithm both runs measured with the same bit length and a non-empty histogram. */
export function rocAnalysis(
  robustness: RobustnessSummary,
  fpr: FprSummary,
  thresholdOf: (algo: string) => number,
): AlgoRoc[] {
  const out: AlgoRoc[] = [];
  for (const [algo, r] of Object.entries(robustness.algos)) {
    const f = fpr.algos[algo];
    if (!f || f.nbits !== r.nbits) continue;
    const related = r.overall;
    const unrelated = { nbits: f.nbits, counts: f.counts };
    if (total(related) === 0 || total(unrelated) === 0) continue;
    const points = operatingPoints(related, unrelated);
    out.push({
      algo,
      threshold: Math.min(thresholdOf(algo), r.nbits),
      related,
      unrelated,
      points,
      auc: auc(related, unrelated),
      aucInterval: f.images ? aucInterval(related, unrelated, f.images) : null,
      eer: equalErrorRate(related, unrelated),
      atTargets: STANDARD_FPR_TARGETS.map((t) => tprAtFpr(points, t)),
    });
  }
  return out;
}

/** Pairs each robustness run with the FPR runs on the same dataset, or with every FPR run when none shares it. */
export function rocPairs(
  robustness: readonly RunWithSummary<RobustnessSummary>[],
  fpr: readonly RunWithSummary<FprSummary>[],
): [RunWithSummary<RobustnessSummary>, RunWithSummary<FprSummary>][] {
  const pairs: [RunWithSummary<RobustnessSummary>, RunWithSummary<FprSummary>][] = [];
  for (const r of robustness) {
    const same = fpr.filter(
      (f) => f.input.run.datasetHash !== null && f.input.run.datasetHash === r.input.run.datasetHash,
    );
    for (const f of same.length ? same : fpr) pairs.push([r, f]);
  }
  return pairs;
}

/** AUC to three decimals with its interval (the bootstrap SD on samples like the bundled one is 0.002–0.004). */
function aucCell(a: AlgoRoc): Cell {
  const i = a.aucInterval;
  return numberCell(
    a.auc,
    i
      ? `${formatFixed(a.auc, 3)} [${formatFixed(i.lower, 3)}, ${formatFixed(i.upper, 3)}]`
      : `${formatFixed(a.auc, 3)} (no interval)`,
  );
}

function targetCell(t: TprAtFpr): Cell {
  if (!t.supported)
    return {
      text: `n/a (needs ≥ ${formatCount(Math.ceil(3 / t.targetFpr))} unrelated pairs)`,
      value: { targetFpr: t.targetFpr, supported: false },
    };
  if (t.tpr === null || t.threshold === null || t.fpr === null)
    return { text: 'no threshold', value: { targetFpr: t.targetFpr, supported: true } };
  return {
    text: `${formatProportion(t.tpr)} (τ ≤ ${t.threshold})`,
    value: { targetFpr: t.targetFpr, threshold: t.threshold, ...t.tpr },
  };
}

function rocSection(
  r: RunWithSummary<RobustnessSummary>,
  f: RunWithSummary<FprSummary>,
  options: ResolvedReportOptions,
  several: boolean,
): ReportSection | null {
  const analysis = rocAnalysis(r.summary, f.summary, options.thresholdOf);
  if (analysis.length === 0) return null;
  const runIds = [r.input.run.id, f.input.run.id];
  const id = several ? `roc-${r.input.run.id}-${f.input.run.id}` : 'roc';
  const sameDataset = r.input.run.datasetHash !== null && r.input.run.datasetHash === f.input.run.datasetHash;
  const paragraphs = [
    `Related pairs (an image and its edited copy, all transforms pooled) come from robustness run ${r.input.run.id}; unrelated pairs from FPR run ` +
      `${f.input.run.id}${sameDataset ? ', on the same dataset' : ', on a different dataset (fingerprints differ)'}. Every threshold τ gives one point ` +
      `(FPR(τ), TPR(τ)); AUC is computed exactly from the two histograms, the equal-error rate by interpolating between integer thresholds. ` +
      `TPR at a target FPR is read at the largest threshold whose measured FPR is at most the target, and only where the sample holds at least 3/target unrelated pairs.`,
  ];
  const columns = [
    { key: 'algo', label: 'Algorithm' },
    { key: 'auc', label: 'AUC', numeric: true },
    { key: 'eer', label: 'EER (at τ ≈)', numeric: true },
    ...STANDARD_FPR_TARGETS.map((t) => ({
      key: `tpr@${t}`,
      label: `TPR at FPR ≤ ${t.toExponential(0)}`,
      numeric: true,
    })),
    { key: 'tau', label: 'τ (bits)', numeric: true },
    { key: 'tpr', label: 'TPR at τ', numeric: true },
    { key: 'fpr', label: 'FPR at τ', numeric: true },
  ];
  const rows = analysis.map((a) => {
    const at = a.points[a.threshold]!;
    return {
      runIds,
      cells: [
        textCell(a.algo),
        aucCell(a),
        {
          text: `${formatFixed(a.eer.rate, 4)} (${formatFixed(a.eer.threshold, 1)})`,
          value: { rate: a.eer.rate, threshold: a.eer.threshold },
        },
        ...a.atTargets.map(targetCell),
        numberCell(a.threshold),
        proportionCell(at.tpr),
        proportionCell(at.fpr),
      ],
    };
  });
  const suffix = several ? ` (runs ${runIds.join(' + ')})` : '';
  const keyNumbers: KeyNumber[] = analysis.map((a) => ({
    label: `AUC${suffix}`,
    subject: a.algo,
    cell: aucCell(a),
    runIds,
  }));
  return {
    id,
    title: several ? `ROC and distance distributions — runs ${runIds.join(' + ')}` : 'ROC and distance distributions',
    runIds,
    keyNumbers,
    blocks: [
      { kind: 'text', paragraphs },
      rocChart(
        `${id}-curves`,
        runIds,
        analysis.map((a) => ({ algo: a.algo, points: a.points, operatingThreshold: a.threshold, auc: a.auc })),
      ),
      {
        kind: 'table',
        id: `${id}-summary`,
        caption:
          'ROC summary per algorithm: AUC, equal-error rate, TPR at standard FPR targets and at the operating threshold',
        runIds,
        columns,
        rows,
        notes: [
          `Targets below 3/n (n = ${total(analysis[0]!.unrelated)} unrelated pairs) are not supported by this sample: no false positive among n pairs only bounds FPR near 3/n.`,
          `AUC interval: ${AUC_INTERVAL_METHOD}.`,
          'TPR at an FPR target picks its threshold on the same pairs it is reported on, which flatters it; treat those cells as optimistic.',
        ],
      },
      distanceHistogramChart(
        `${id}-histograms`,
        runIds,
        analysis.map((a) => ({ algo: a.algo, threshold: a.threshold, related: a.related, unrelated: a.unrelated })),
      ),
    ],
  };
}

export const rocContributor: SectionContributor = {
  id: 'roc',
  kinds: ['robustness', 'fpr'],
  contribute(ctx) {
    const pairs = rocPairs(summariesOf<RobustnessSummary>(ctx, 'robustness'), summariesOf<FprSummary>(ctx, 'fpr'));
    return pairs
      .map(([r, f]) => rocSection(r, f, ctx.options, pairs.length > 1))
      .filter((s): s is ReportSection => s !== null);
  },
};
