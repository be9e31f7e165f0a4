// Heat map of TPR per transform × algorithm, each algorithm at its own operating threshold.
import type { Proportion } from '../../eval/binomial.js';
import { formatFixed } from '../format.js';
import type { ChartBlock, Datum } from '../model.js';
import { chartBlock } from './common.js';

export interface HeatmapCell {
  readonly algo: string;
  readonly threshold: number;
  readonly transform: string;
  readonly tpr: Proportion;
}

export function tprHeatmapChart(
  id: string,
  runIds: readonly string[],
  algos: readonly string[],
  transforms: readonly string[],
  cells: readonly HeatmapCell[],
): ChartBlock {
  const labelOf = new Map(cells.map((c) => [c.algo, `${c.algo} (τ=${c.threshold})`]));
  const data: Datum[] = cells.map((c) => ({
    algo: c.algo,
    column: labelOf.get(c.algo)!,
    threshold: c.threshold,
    transform: c.transform,
    tpr: c.tpr.estimate,
    lower: c.tpr.lower,
    upper: c.tpr.upper,
    matched: c.tpr.k,
    copies: c.tpr.n,
  }));
  const worst = [...cells].sort((a, b) => a.tpr.estimate - b.tpr.estimate).slice(0, 3);
  const description =
    `Heat map of the true-positive rate (share of edited copies whose hash stays within the operating threshold of the original's) ` +
    `for ${transforms.length} transforms (rows) and ${algos.length} algorithms (columns). ` +
    (worst.length
      ? `Lowest cells: ${worst.map((c) => `${c.algo} under ${c.transform} ${formatFixed(c.tpr.estimate, 2)}`).join('; ')}.`
      : '');
  const title = 'TPR per transform and algorithm at operating thresholds';
  return chartBlock(
    { id, title, description, runIds, data },
    {
      width: { step: 78 },
      height: { step: 18 },
      encoding: {
        x: {
          field: 'column',
          type: 'nominal',
          sort: algos.map((a) => labelOf.get(a) ?? a),
          title: 'Algorithm (operating threshold τ, bits)',
          axis: { labelAngle: -30, orient: 'top' },
        },
        y: {
          field: 'transform',
          type: 'nominal',
          sort: [...transforms],
          title: 'Transform',
          axis: { labelLimit: 360 },
        },
      },
      layer: [
        {
          mark: { type: 'rect' },
          encoding: {
            color: {
              field: 'tpr',
              type: 'quantitative',
              scale: { domain: [0, 1], scheme: 'viridis' },
              title: 'TPR (share matched)',
              legend: { format: '.1f' },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 10 },
          encoding: {
            text: { field: 'tpr', type: 'quantitative', format: '.2f' },
            color: { condition: { test: 'datum.tpr < 0.6', value: 'white' }, value: 'black' },
          },
        },
      ],
    },
  );
}
