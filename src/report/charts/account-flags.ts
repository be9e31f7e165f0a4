// Per-account false-flag probability per year against the account threshold t, for several database sizes, at one
// photo volume: the measured interval carried through, and the band across validated tail models.
import type { Estimate } from '../../eval/population.js';
import { formatCount, formatSci } from '../format.js';
import type { ChartBlock, Datum } from '../model.js';
import { ACCOUNT_LOG_FLOOR, bandFloor, facetedChartBlock, onLogAxis } from './common.js';

export interface AccountFlagPoint {
  readonly algo: string;
  readonly operatingThreshold: number;
  readonly dbSize: number;
  readonly accountThreshold: number;
  readonly measured: Estimate;
  /** log10 bounds of the tail-model band, or null. */
  readonly model: readonly [number, number] | null;
}

export const dbLabel = (d: number): string => `D = ${formatCount(d)}`;

export function accountFlagChart(
  id: string,
  runIds: readonly string[],
  photosPerYear: number,
  algos: readonly string[],
  dbSizes: readonly number[],
  points: readonly AccountFlagPoint[],
): ChartBlock {
  const data: Datum[] = [];
  for (const p of points) {
    const common = {
      algo: p.algo,
      tau: p.operatingThreshold,
      photosPerYear,
      dbSize: p.dbSize,
      db: dbLabel(p.dbSize),
      t: p.accountThreshold,
    };
    data.push({
      ...common,
      series: 'measured',
      probability: onLogAxis(p.measured.estimate, ACCOUNT_LOG_FLOOR),
      lower: bandFloor(p.measured.lower, ACCOUNT_LOG_FLOOR),
      upper: bandFloor(p.measured.upper, ACCOUNT_LOG_FLOOR),
    });
    if (p.model !== null)
      data.push({
        ...common,
        series: 'model band',
        probability: onLogAxis(10 ** p.model[1], ACCOUNT_LOG_FLOOR),
        lower: bandFloor(10 ** p.model[0], ACCOUNT_LOG_FLOOR),
        upper: bandFloor(10 ** p.model[1], ACCOUNT_LOG_FLOOR),
      });
  }
  const largest = dbSizes[dbSizes.length - 1]!;
  const atOne = points.filter((p) => p.accountThreshold === 1 && p.dbSize === largest);
  const description =
    `For each algorithm at its operating threshold, the probability that an account sending ${formatCount(photosPerYear)} photos a year is ` +
    `falsely flagged (reaches t false matches) against databases of ${dbSizes.map(formatCount).join(', ')} hashes, for t from 1 upwards ` +
    `(log scale, axis from ${formatSci(ACCOUNT_LOG_FLOOR)}): bands are the 95% interval carried through from the measured FPR, solid lines its point ` +
    `estimate, hatched bands and dashed lines (their upper end) the band across validated tail models. At t = 1 and D = ${formatCount(largest)}: ` +
    atOne
      .map((p) =>
        p.measured.estimate === 0
          ? `${p.algo} ≤ ${formatSci(p.measured.upper)} (none seen)`
          : `${p.algo} ${formatSci(p.measured.estimate)} [${formatSci(p.measured.lower)}, ${formatSci(p.measured.upper)}]`,
      )
      .join('; ') +
    '.';
  const title = `Per-account false-flag probability per year vs account threshold t, n = ${formatCount(photosPerYear)} photos a year`;
  const y = {
    type: 'quantitative',
    scale: { type: 'log', domain: [ACCOUNT_LOG_FLOOR, 1], clamp: true },
    title: 'P(flagged in a year), log',
    axis: { format: '.0e', values: [1, 1e-20, 1e-40, 1e-60, 1e-80, 1e-100] },
  };
  const color = { field: 'db', type: 'nominal', sort: dbSizes.map(dbLabel), title: 'Database size' };
  return facetedChartBlock(
    { id, title, description, runIds, data },
    algos,
    {
      encoding: { x: { field: 't', type: 'quantitative', title: 'Account threshold t (matches)' }, color },
      layer: [
        {
          transform: [{ filter: "datum.series === 'measured'" }],
          mark: { type: 'area', opacity: 0.1 },
          encoding: { y: { field: 'lower', ...y }, y2: { field: 'upper' } },
        },
        {
          transform: [{ filter: "datum.series === 'model band'" }],
          mark: { type: 'area', opacity: 0.05 },
          encoding: { y: { field: 'lower', ...y }, y2: { field: 'upper' } },
        },
        {
          mark: { type: 'line', strokeWidth: 1.4 },
          encoding: {
            y: { field: 'probability', ...y },
            strokeDash: {
              field: 'series',
              type: 'nominal',
              sort: ['measured', 'model band'],
              title: 'Estimate',
              scale: {
                range: [
                  [1, 0],
                  [5, 3],
                ],
              },
            },
          },
        },
      ],
    },
    [],
  );
}
