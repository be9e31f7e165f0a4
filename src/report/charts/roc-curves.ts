// ROC curves of several algorithms on one chart: TPR against FPR on a log axis, operating points marked.
import type { OperatingPoint } from '../../eval/roc.js';
import { formatFixed } from '../format.js';
import type { ChartBlock, Datum } from '../model.js';
import { chartBlock } from './common.js';

export interface RocCurve {
  readonly algo: string;
  readonly points: readonly OperatingPoint[];
  readonly operatingThreshold: number;
  readonly auc: number;
}

export function rocChart(id: string, runIds: readonly string[], curves: readonly RocCurve[]): ChartBlock {
  const data: Datum[] = [];
  for (const c of curves) {
    for (const p of c.points) {
      if (p.fpr.estimate <= 0) continue;
      data.push({
        algo: c.algo,
        threshold: p.threshold,
        fpr: p.fpr.estimate,
        tpr: p.tpr.estimate,
        tprLower: p.tpr.lower,
        tprUpper: p.tpr.upper,
        operating: p.threshold === c.operatingThreshold,
      });
    }
  }
  const algos = curves.map((c) => c.algo);
  const description =
    `ROC curves: true-positive rate (edited copies matched) against false-positive rate (unrelated pairs matched, log scale) ` +
    `as the threshold grows, one line per algorithm; circles mark the operating thresholds. ` +
    `Thresholds at which no unrelated pair matched (FPR = 0) cannot be placed on a log axis and are left out. ` +
    `AUC: ${curves.map((c) => `${c.algo} ${formatFixed(c.auc, 4)}`).join(', ')}.`;
  const title = 'ROC curves';
  const color = { field: 'algo', type: 'nominal', sort: algos, title: 'Algorithm' };
  return chartBlock(
    { id, title, description, runIds, data },
    {
      width: 520,
      height: 340,
      encoding: {
        x: {
          field: 'fpr',
          type: 'quantitative',
          scale: { type: 'log' },
          title: 'False-positive rate (share of unrelated pairs matched, log scale)',
          axis: { format: '.0e' },
        },
        y: {
          field: 'tpr',
          type: 'quantitative',
          scale: { domain: [0, 1] },
          title: 'TPR (share of edited copies matched)',
        },
        color,
      },
      layer: [
        { mark: { type: 'line', strokeWidth: 1.5 } },
        {
          transform: [{ filter: 'datum.operating' }],
          mark: { type: 'point', filled: true, size: 70, stroke: 'black', strokeWidth: 0.5 },
        },
      ],
    },
  );
}
