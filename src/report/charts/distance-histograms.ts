// Distance histograms of related pairs (original vs edited copy) and unrelated pairs, per algorithm, with the
// operating threshold marked: the two populations a threshold has to separate.
import { mean, total, type DistanceHistogram } from '../../eval/histogram.js';
import { formatFixed } from '../format.js';
import type { ChartBlock, Datum } from '../model.js';
import { facetedChartBlock } from './common.js';

export interface HistogramPair {
  readonly algo: string;
  readonly threshold: number;
  readonly related: DistanceHistogram;
  readonly unrelated: DistanceHistogram;
}

export const RELATED = 'related (original vs edited copy)';
export const UNRELATED = 'unrelated (different images)';

export function distanceHistogramChart(
  id: string,
  runIds: readonly string[],
  pairs: readonly HistogramPair[],
): ChartBlock {
  const data: Datum[] = [];
  for (const p of pairs) {
    for (const [population, h] of [
      [RELATED, p.related],
      [UNRELATED, p.unrelated],
    ] as const) {
      const n = total(h);
      h.counts.forEach((count, distance) => {
        data.push({
          algo: p.algo,
          population,
          distance,
          pairs: count,
          percent: (100 * count) / n,
          threshold: p.threshold,
          nbits: p.related.nbits,
        });
      });
    }
  }
  const algos = pairs.map((p) => p.algo);
  const description =
    `For each algorithm, the distribution of Hamming distances between an image's hash and its edited copy's (related) and between ` +
    `hashes of different images (unrelated), as a percentage of each population; the vertical line is the operating threshold τ. ` +
    pairs
      .map(
        (p) =>
          `${p.algo}: mean related ${formatFixed(mean(p.related), 1)}, mean unrelated ${formatFixed(mean(p.unrelated), 1)} of ${p.related.nbits} bits, τ = ${p.threshold}`,
      )
      .join('; ') +
    '.';
  const title = 'Distance histograms: related vs unrelated pairs';
  return facetedChartBlock(
    { id, title, description, runIds, data },
    algos,
    {
      layer: [
        {
          mark: { type: 'area', interpolate: 'step', opacity: 0.55 },
          encoding: {
            x: { field: 'distance', type: 'quantitative', title: 'Hamming distance (bits)' },
            y: { field: 'percent', type: 'quantitative', stack: null, title: 'Share of pairs (%)' },
            color: {
              field: 'population',
              type: 'nominal',
              sort: [RELATED, UNRELATED],
              title: 'Pairs',
              scale: { range: ['#1b9e77', '#d95f02'] },
            },
          },
        },
        {
          mark: { type: 'rule', color: 'black', strokeDash: [4, 3] },
          encoding: { x: { field: 'threshold', type: 'quantitative', aggregate: 'max' } },
        },
      ],
    },
    ['x', 'y'],
  );
}
