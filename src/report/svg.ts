// Renders a chart block to a standalone SVG string in Node: Vega-Lite compiled to Vega, drawn by a headless view
// (no canvas, no DOM, no network), then labelled for assistive technology. Vega and Vega-Lite are loaded on the
// first chart, not with the module: together they take about half a second to load, which every other command of
// the CLI would otherwise pay at start-up.
import type { TopLevelSpec } from 'vega-lite';
import type { ChartBlock } from './model.js';

const CHART_CONFIG = {
  font: 'sans-serif',
  // The figure is one image with its own title and description; per-mark ARIA labels would only bloat the SVG.
  aria: false,
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320, titleLimit: 320, symbolOpacity: 1 },
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555' },
  view: { stroke: '#ccc' },
};

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The chart's SVG markup, with `role="img"`, a `<title>` and a `<desc>` (the text alternative) referenced by aria-labelledby. */
export async function renderChartSvg(chart: ChartBlock): Promise<string> {
  // Vega tags the data objects it ingests; give it copies so the report model stays as it was.
  const spec = {
    ...chart.spec,
    data: { values: chart.data.map((d) => ({ ...d })) },
    config: CHART_CONFIG,
  } as unknown as TopLevelSpec;
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const titleId = `${chart.id}-svg-title`;
  const descId = `${chart.id}-svg-desc`;
  // Inline SVG in HTML needs no namespace declarations; dropping them keeps the page free of any URL.
  return svg
    .replace(/ xmlns(:xlink)?="[^"]*"/g, '')
    .replace(/^<svg /, `<svg role="img" aria-labelledby="${titleId} ${descId}" `)
    .replace(
      /^(<svg[^>]*>)/,
      `$1<title id="${titleId}">${escapeXml(chart.title)}</title><desc id="${descId}">${escapeXml(chart.description)}</desc>`,
    );
}
