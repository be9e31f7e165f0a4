// Shared pieces of the Vega-Lite specs: titles that name their runs, panel sizes, and the floor of log-scale axes.
import type { ChartBlock, Datum, Json } from '../model.js';

/** Values below this are not drawn on log-scale FPR axes (the axis starts here). */
export const LOG_FLOOR = 1e-20;

/** The floor of per-account probability axes, low enough to show the steep fall of extrapolated rates with t. */
export const ACCOUNT_LOG_FLOOR = 1e-100;

const PANEL = { width: 220, height: 170 } as const;

/** Chart title with the run ids as subtitle, so the figure names its source even when copied out of the report. */
export function chartTitle(text: string, runIds: readonly string[]): Json {
  return { text, subtitle: `run${runIds.length > 1 ? 's' : ''} ${runIds.join(', ')}`, anchor: 'start' };
}

/** A chart block whose Vega-Lite spec is titled with its runs and carries the text alternative as its description. */
export function chartBlock(
  block: { id: string; title: string; description: string; runIds: readonly string[]; data: readonly Datum[] },
  spec: { readonly [key: string]: Json },
): ChartBlock {
  const { id, title, description, runIds, data } = block;
  return {
    kind: 'chart',
    id,
    title,
    description,
    runIds: [...runIds],
    data,
    spec: { title: chartTitle(title, runIds), description, ...spec },
  };
}

/** A value for a log axis: null (not drawn) when under the floor. */
export function onLogAxis(x: number, floor = LOG_FLOOR): number | null {
  return x >= floor ? x : null;
}

/** A lower band edge for a log axis: clamped up to the floor. */
export function bandFloor(x: number, floor = LOG_FLOOR): number {
  return Math.max(x, floor);
}

/** Facet over algorithms in the given order, four panels a row, each panel with its own scales. */
function facetByAlgo(
  algos: readonly string[],
  inner: Json,
  independent: readonly ('x' | 'y')[] = ['x'],
): { [key: string]: Json } {
  return {
    facet: {
      field: 'algo',
      type: 'nominal',
      sort: [...algos],
      title: null,
      header: { labelFontSize: 12, labelFontWeight: 'bold' },
    },
    columns: Math.min(4, algos.length),
    spec: inner,
    resolve: { scale: Object.fromEntries(independent.map((c) => [c, 'independent'])) },
  };
}

/** A chart block of one PANEL-sized panel per algorithm (in the given order, four a row), each drawing `panel`. */
export function facetedChartBlock(
  block: Parameters<typeof chartBlock>[0],
  algos: readonly string[],
  panel: { readonly [key: string]: Json },
  independent?: readonly ('x' | 'y')[],
): ChartBlock {
  return chartBlock(block, facetByAlgo(algos, { width: PANEL.width, height: PANEL.height, ...panel }, independent));
}
