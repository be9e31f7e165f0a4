// FPR against the threshold per algorithm: the measured rate with its 95% band, and the band across validated tail
// models that extrapolates below what the sample resolves.
import type { Proportion } from '../../eval/binomial.js';
import { formatLog10 } from '../../eval/tail-models.js';
import { formatSci } from '../format.js';
import type { ChartBlock, Datum } from '../model.js';
import { bandFloor, facetedChartBlock, LOG_FLOOR, onLogAxis } from './common.js';

export interface FprCurve {
  readonly algo: string;
  readonly nbits: number;
  readonly operatingThreshold: number;
  /** Measured FPR at every threshold 0..nbits. */
  readonly measured: readonly Proportion[];
  /** log10 bounds of the tail-model band at every threshold 0..nbits, when there are models. */
  readonly band: readonly { readonly log10Lower: number; readonly log10Upper: number }[] | null;
}

export const MEASURED = 'measured (95% CI band)';
export const FITTED = 'tail-model band (upper end dashed)';

export function fprThresholdChart(id: string, runIds: readonly string[], curves: readonly FprCurve[]): ChartBlock {
  const data: Datum[] = [];
  for (const c of curves) {
    c.measured.forEach((p, threshold) => {
      data.push({
        algo: c.algo,
        threshold,
        series: MEASURED,
        fpr: onLogAxis(p.estimate),
        lower: bandFloor(p.lower),
        upper: bandFloor(p.upper),
        pairs: p.n,
        matched: p.k,
        tau: c.operatingThreshold,
      });
    });
    c.band?.forEach((b, threshold) => {
      data.push({
        algo: c.algo,
        threshold,
        series: FITTED,
        fpr: onLogAxis(10 ** b.log10Upper),
        lower: bandFloor(10 ** b.log10Lower),
        upper: bandFloor(10 ** b.log10Upper),
        pairs: null,
        matched: null,
        tau: c.operatingThreshold,
      });
    });
  }
  const at = (c: FprCurve): string => {
    const m = c.measured[c.operatingThreshold]!;
    const b = c.band?.[c.operatingThreshold];
    const fit = b ? `, tail models [${formatLog10(b.log10Lower, 1)}, ${formatLog10(b.log10Upper, 1)}]` : '';
    return `${c.algo} at τ = ${c.operatingThreshold}: measured ${m.k === 0 ? `0 of ${m.n} pairs (upper bound ${formatSci(m.upper)})` : formatSci(m.estimate)}${fit}`;
  };
  const description =
    `For each algorithm, the false-positive rate (share of unrelated pairs at distance ≤ threshold, log scale, axis from ${formatSci(LOG_FLOOR)}) ` +
    `against the threshold in bits: the measured rate with its 95% Clopper–Pearson band, and the band across validated tail models ` +
    `(lighter, upper end dashed) that extrapolates below the sample's resolution; the vertical line is the operating threshold. ${curves.map(at).join('; ')}.`;
  const title = 'FPR vs threshold, with 95% bands and the tail-model band';
  const y = {
    type: 'quantitative',
    scale: { type: 'log', domain: [LOG_FLOOR, 1], clamp: true },
    title: 'FPR (log scale)',
    axis: { format: '.0e', tickCount: 5 },
  };
  return facetedChartBlock(
    { id, title, description, runIds, data },
    curves.map((c) => c.algo),
    {
      encoding: { x: { field: 'threshold', type: 'quantitative', title: 'Threshold τ (bits)' } },
      layer: [
        {
          transform: [{ filter: `datum.series === '${MEASURED}'` }],
          mark: { type: 'area', opacity: 0.25, color: '#1f77b4' },
          encoding: { y: { field: 'lower', ...y }, y2: { field: 'upper' } },
        },
        {
          transform: [{ filter: `datum.series === '${FITTED}'` }],
          mark: { type: 'area', opacity: 0.12, color: '#ff7f0e' },
          encoding: { y: { field: 'lower', ...y }, y2: { field: 'upper' } },
        },
        {
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: {
            y: { field: 'fpr', ...y },
            color: {
              field: 'series',
              type: 'nominal',
              sort: [MEASURED, FITTED],
              title: 'FPR',
              scale: { range: ['#1f77b4', '#ff7f0e'] },
            },
            strokeDash: {
              field: 'series',
              type: 'nominal',
              sort: [MEASURED, FITTED],
              title: 'FPR',
              scale: {
                range: [
                  [1, 0],
                  [5, 3],
                ],
              },
            },
          },
        },
        {
          mark: { type: 'rule', color: 'black', strokeDash: [2, 2] },
          encoding: { x: { field: 'tau', type: 'quantitative', aggregate: 'max' } },
        },
      ],
    },
  );
}
