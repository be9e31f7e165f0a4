// The Markdown rendering (report.md): the same sections, tables and key numbers as the HTML, with each figure given
// as its text alternative and a pointer to index.html.
import type { Block, Report, TableBlock } from './model.js';

const cell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const runs = (ids: readonly string[]): string => ids.map((id) => `\`${id}\``).join(', ');
const source = (ids: readonly string[]): string => `Source: run${ids.length > 1 ? 's' : ''} ${runs(ids)}.`;

/** A GitHub-flavoured Markdown table; numeric columns right-aligned. */
export function markdownTable(t: Pick<TableBlock, 'columns' | 'rows'>): string {
  const head = `| ${t.columns.map((c) => cell(c.label)).join(' | ')} |`;
  const rule = `| ${t.columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`;
  const body = t.rows.map((r) => `| ${r.cells.map((c) => cell(c.text)).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

function blockMarkdown(b: Block, counters: { table: number; figure: number }): string {
  switch (b.kind) {
    case 'text':
      return b.paragraphs.join('\n\n');
    case 'list':
      return `${b.title ? `**${b.title}**\n\n` : ''}${b.items.map((i) => `- ${i}`).join('\n')}`;
    case 'table': {
      const n = ++counters.table;
      const notes = b.notes?.length ? `\n\n${b.notes.join(' ')}` : '';
      return `<a id="${b.id}"></a>**Table ${n}.** ${b.caption}. ${source(b.runIds)}\n\n${markdownTable(b)}${notes}`;
    }
    case 'chart': {
      const n = ++counters.figure;
      return `<a id="${b.id}"></a>**Figure ${n}.** ${b.title} (chart in index.html). ${b.description} ${source(b.runIds)}`;
    }
    case 'image': {
      const n = ++counters.figure;
      return `<a id="${b.id}"></a>**Figure ${n}.** ${b.title} (image in index.html). ${b.description} ${source(b.runIds)}`;
    }
  }
}

export function renderMarkdown(report: Report): string {
  const counters = { table: 0, figure: 0 };
  const out = [
    `# ${report.title}`,
    `Generated ${report.generatedAt} by scanlab from ${report.runs.length} run${report.runs.length > 1 ? 's' : ''}:\n\n` +
      report.runs
        .map((r) => `- \`${r.id}\` — ${r.kind}${r.name !== r.kind ? ` "${r.name}"` : ''}, ${r.status}`)
        .join('\n'),
    '## Contents',
    report.sections.map((s) => `- [${s.title}](#${s.id})`).join('\n'),
  ];
  for (const s of report.sections) {
    out.push(`<a id="${s.id}"></a>\n## ${s.title}`, `From run${s.runIds.length > 1 ? 's' : ''} ${runs(s.runIds)}.`);
    for (const b of s.blocks) out.push(blockMarkdown(b, counters));
  }
  return out.join('\n\n') + '\n';
}
