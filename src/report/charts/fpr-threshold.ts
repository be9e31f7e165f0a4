// FPR against the threshold per algorithm: the measured rate with its 95% band, and the effective-DoF binomial fit
// that extrapolates below what the sample resolves.
import type { Proportion } from '../../eval/binomial.js';
import { formatSci } from '../format.js';
import type { ChartBlock, Datum } from '../model.js';
import { bandFloor, chartBlock, facetByAlgo, LOG_FLOOR, onLogAxis, PANEL } from './common.js';

export interface FprCurve {
  readonly algo: string;
  readonly nbits: number;
  readonly operatingThreshold: number;
  /** Measured FPR at every threshold 0..nbits. */
  readonly measured: readonly Proportion[];
  /** FPR from the DoF fit at every threshold 0..nbits, when the fit exists. */
  readonly fitted: readonly number[] | null;
}

export const MEASURED = 'measured (95% CI band)';
export const FITTED = 'effective-DoF fit';

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
    c.fitted?.forEach((f, threshold) => {
      data.push({
        algo: c.algo,
        threshold,
        series: FITTED,
        fpr: onLogAxis(f),
        lower: null,
        upper: null,
        pairs: null,
        matched: null,
        tau: c.operatingThreshold,
      });
    });
  }
  const at = (c: FprCurve): string => {
    const m = c.measured[c.operatingThreshold]!;
    const fit = c.fitted ? `, fit ${formatSci(c.fitted[c.operatingThreshold]!)}` : '';
    return `${c.algo} at τ = ${c.operatingThreshold}: measured ${m.k === 0 ? `0 of ${m.n} pairs (upper bound ${formatSci(m.upper)})` : formatSci(m.estimate)}${fit}`;
  };
  const description =
    `For each algorithm, the false-positive rate (share of unrelated pairs at distance ≤ threshold, log scale, axis from ${formatSci(LOG_FLOOR)}) ` +
    `against the threshold in bits: the measured rate with its 95% Clopper–Pearson band, and the effective-degrees-of-freedom binomial fit ` +
    `(dashed) that extrapolates below the sample's resolution; the vertical line is the operating threshold. ${curves.map(at).join('; ')}.`;
  const title = 'FPR vs threshold, with 95% bands and the effective-DoF extrapolation';
  const y = {
    type: 'quantitative',
    scale: { type: 'log', domain: [LOG_FLOOR, 1], clamp: true },
    title: 'FPR (log scale)',
    axis: { format: '.0e', tickCount: 5 },
  };
  return chartBlock(
    { id, title, description, runIds, data },
    {
      ...facetByAlgo(
        curves.map((c) => c.algo),
        {
          width: PANEL.width,
          height: PANEL.height,
          encoding: { x: { field: 'threshold', type: 'quantitative', title: 'Threshold τ (bits)' } },
          layer: [
            {
              transform: [{ filter: `datum.series === '${MEASURED}'` }],
              mark: { type: 'area', opacity: 0.25, color: '#1f77b4' },
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
      ),
    },
  );
}
