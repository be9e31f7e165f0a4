// The HTML rendering: one self-contained index.html (inline CSS, inline SVG charts, no scripts, fonts or network)
// with a table of contents, numbered tables and figures, each naming the runs it came from.
import type { Block, ChartBlock, Report, ReportSection, TableBlock } from './model.js';
import { escapeXml as esc, renderChartSvg } from './svg.js';

const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; color: #1a1a1a; background: #fff; margin: 0; }
header, nav, main, footer { max-width: 76rem; margin: 0 auto; padding: 0 1.5rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.8rem; margin-bottom: .25rem; }
h2 { font-size: 1.35rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
.meta, .source { color: #555; font-size: .9rem; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .88em; }
nav ol { padding-left: 1.3rem; }
nav li li { font-size: .9rem; }
.table-wrap { overflow-x: auto; margin: 1rem 0 1.5rem; }
table { border-collapse: collapse; font-size: .85rem; }
caption { text-align: left; font-size: .9rem; padding-bottom: .4rem; caption-side: top; }
th, td { border: 1px solid #d8d8d8; padding: .25rem .5rem; vertical-align: top; }
thead th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody th { text-align: left; font-weight: 600; background: #fafafa; }
figure { margin: 1.5rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #333; max-width: 60rem; }
.notes { font-size: .85rem; color: #444; }
`;

interface Numbering {
  readonly table: Map<string, number>;
  readonly figure: Map<string, number>;
}

function numberBlocks(report: Report): Numbering {
  const table = new Map<string, number>();
  const figure = new Map<string, number>();
  for (const s of report.sections) {
    for (const b of s.blocks) {
      if (b.kind === 'table') table.set(b.id, table.size + 1);
      if (b.kind === 'chart' || b.kind === 'image') figure.set(b.id, figure.size + 1);
    }
  }
  return { table, figure };
}

const runList = (ids: readonly string[]): string => ids.map((id) => `<code>${esc(id)}</code>`).join(', ');
const sourceOf = (ids: readonly string[]): string =>
  `<span class="source">Source: run${ids.length > 1 ? 's' : ''} ${runList(ids)}.</span>`;

function tableHtml(t: TableBlock, n: number): string {
  const head = t.columns.map((c) => `<th scope="col">${esc(c.label)}</th>`).join('');
  const body = t.rows
    .map(
      (r) =>
        `<tr>${r.cells.map((cell, k) => (k === 0 ? `<th scope="row">${esc(cell.text)}</th>` : `<td${t.columns[k]?.numeric ? ' class="num"' : ''}>${esc(cell.text)}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  const notes = t.notes?.length ? `<p class="notes">${t.notes.map(esc).join(' ')}</p>` : '';
  return `<div class="table-wrap" id="${esc(t.id)}"><table>\n<caption><strong>Table ${n}.</strong> ${esc(t.caption)}. ${sourceOf(t.runIds)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>${notes}</div>`;
}

async function figureHtml(c: ChartBlock, n: number): Promise<string> {
  return `<figure id="${esc(c.id)}">\n${await renderChartSvg(c)}\n<figcaption><strong>Figure ${n}.</strong> ${esc(c.title)}. ${esc(c.description)} ${sourceOf(c.runIds)}</figcaption>\n</figure>`;
}

async function blockHtml(b: Block, numbering: Numbering): Promise<string> {
  switch (b.kind) {
    case 'text':
      return b.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n');
    case 'list':
      return `${b.title ? `<h3>${esc(b.title)}</h3>` : ''}<ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
    case 'table':
      return tableHtml(b, numbering.table.get(b.id)!);
    case 'chart':
      return figureHtml(b, numbering.figure.get(b.id)!);
    case 'image':
      return `<figure id="${esc(b.id)}">\n<img src="data:image/png;base64,${b.pngBase64}" alt="${esc(b.description)}">\n<figcaption><strong>Figure ${numbering.figure.get(b.id)!}.</strong> ${esc(b.title)}. ${esc(b.description)} ${sourceOf(b.runIds)}</figcaption>\n</figure>`;
  }
}

function tocHtml(report: Report, numbering: Numbering): string {
  const items = report.sections.map((s) => {
    const parts = s.blocks.flatMap((b) =>
      b.kind === 'chart' || b.kind === 'image'
        ? [`<li><a href="#${esc(b.id)}">Figure ${numbering.figure.get(b.id)}: ${esc(b.title)}</a></li>`]
        : b.kind === 'table'
          ? [`<li><a href="#${esc(b.id)}">Table ${numbering.table.get(b.id)}: ${esc(b.caption)}</a></li>`]
          : [],
    );
    return `<li><a href="#${esc(s.id)}">${esc(s.title)}</a>${parts.length ? `<ol>${parts.join('')}</ol>` : ''}</li>`;
  });
  return `<nav aria-labelledby="toc-title"><h2 id="toc-title">Contents</h2><ol>${items.join('\n')}</ol></nav>`;
}

async function sectionHtml(s: ReportSection, numbering: Numbering): Promise<string> {
  const blocks: string[] = [];
  for (const b of s.blocks) blocks.push(await blockHtml(b, numbering));
  return `<section id="${esc(s.id)}" aria-labelledby="${esc(s.id)}-title">\n<h2 id="${esc(s.id)}-title">${esc(s.title)}</h2>\n<p class="source">From run${s.runIds.length > 1 ? 's' : ''} ${runList(s.runIds)}.</p>\n${blocks.join('\n')}\n</section>`;
}

export async function renderHtml(report: Report): Promise<string> {
  const numbering = numberBlocks(report);
  const sections: string[] = [];
  for (const s of report.sections) sections.push(await sectionHtml(s, numbering));
  const runs = report.runs
    .map(
      (r) =>
        `<li><code>${esc(r.id)}</code> — ${esc(r.kind)}${r.name !== r.kind ? ` “${esc(r.name)}”` : ''}, ${esc(r.status)}</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(report.title)}</h1>
<p class="meta">Generated ${esc(report.generatedAt)} by scanlab from ${report.runs.length} run${report.runs.length > 1 ? 's' : ''}:</p>
<ul class="meta">${runs}</ul>
<p class="meta">Every number below traces to the run ids named beside it; report.json holds them all with their sources.</p>
</header>
${tocHtml(report, numbering)}
<main>
${sections.join('\n')}
</main>
</body>
</html>
`;
}
