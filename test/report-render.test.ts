import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../src/report/build.js';
import { renderHtml } from '../src/report/html.js';
import { renderJson } from '../src/report/json.js';
import { markdownTable, renderMarkdown } from '../src/report/markdown.js';
import type { ChartBlock, Report, TableBlock } from '../src/report/model.js';
import { loadReportInputs } from '../src/report/inputs.js';
import { writeReport } from '../src/report/write.js';
import { parseFormats } from '../src/cli/report.js';
import { runCli } from './helpers/cli.js';
import { buildReportFixture, type ReportFixture } from './helpers/report-fixture.js';
import { scratchDir } from './helpers/images.js';

const scratch = scratchDir('report-render');
let fx: ReportFixture;
let report: Report;
let html: string;

beforeAll(async () => {
  fx = await buildReportFixture(scratch.dir, 8);
  report = buildReport(await loadReportInputs(fx.store, [fx.robustness.run.id, fx.fpr.run.id]), {
    photoVolumes: [100],
    dbSizes: [1e3, 1e6],
  });
  html = await renderHtml(report);
});
afterAll(() => {
  fx?.store.close();
  scratch.cleanup();
});

const tables = (r: Report): TableBlock[] =>
  r.sections.flatMap((s) => s.blocks).filter((b): b is TableBlock => b.kind === 'table');
const charts = (r: Report): ChartBlock[] =>
  r.sections.flatMap((s) => s.blocks).filter((b): b is ChartBlock => b.kind === 'chart');
const unescape = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe('markdown', () => {
  it('escapes pipes and aligns numeric columns right', () => {
    const md = markdownTable({
      columns: [
        { key: 'a', label: 'name' },
        { key: 'b', label: 'value', numeric: true },
      ],
      rows: [
        {
          runIds: ['r'],
          cells: [
            { text: 'a|b', value: 'a|b' },
            { text: '1.0 [0.5, 1.0]', value: 1 },
          ],
        },
      ],
    });
    expect(md.split('\n')).toEqual(['| name | value |', '| --- | ---: |', '| a\\|b | 1.0 [0.5, 1.0] |']);
  });

  it('holds every table of the report with all its rows and cells, numbered, with its run ids', () => {
    const md = renderMarkdown(report);
    const all = tables(report);
    all.forEach((t, k) => {
      const start = md.indexOf(`**Table ${k + 1}.** ${t.caption}`);
      expect(start, t.id).toBeGreaterThan(0);
      const lines = md
        .slice(start)
        .split('\n')
        .slice(2, 4 + t.rows.length);
      expect(lines[0]).toBe(`| ${t.columns.map((c) => c.label).join(' | ')} |`);
      t.rows.forEach((row, i) =>
        expect(lines[2 + i]).toBe(`| ${row.cells.map((c) => c.text.replace(/\|/g, '\\|')).join(' | ')} |`),
      );
      expect(md.slice(start, md.indexOf('\n', start))).toContain(t.runIds.map((id) => `\`${id}\``).join(', '));
    });
    for (const c of charts(report)) expect(md).toContain(`${c.title} (chart in index.html). ${c.description}`);
    for (const s of report.sections) expect(md).toContain(`- [${s.title}](#${s.id})`);
  });
});

describe('json', () => {
  it('holds every number shown, formatted and raw, with the run ids of its row, and every chart datum', () => {
    const json = JSON.parse(renderJson(report));
    expect(json.format).toBe('scanlab-report');
    expect(json.version).toBe(1);
    expect(json.runs.map((r: { id: string; provenance: { node: string } }) => [r.id, r.provenance.node])).toEqual(
      report.runs.map((r) => [r.id, process.versions.node]),
    );
    const ids = new Set(report.runs.map((r) => r.id));
    const jsonTables = json.sections
      .flatMap((s: { blocks: { kind: string }[] }) => s.blocks)
      .filter((b: { kind: string }) => b.kind === 'table');
    const modelTables = tables(report);
    expect(jsonTables).toHaveLength(modelTables.length);
    modelTables.forEach((t, k) => {
      const j = jsonTables[k];
      expect(j.id).toBe(t.id);
      expect(j.rows).toHaveLength(t.rows.length);
      t.rows.forEach((row, i) => {
        expect(j.rows[i].runIds).toEqual(row.runIds);
        for (const id of j.rows[i].runIds) expect(ids.has(id)).toBe(true);
        row.cells.forEach((cell, c) => {
          expect(j.rows[i].cells[c].text).toBe(cell.text);
          expect(j.rows[i].cells[c].value).toEqual(cell.value);
        });
      });
    });
    const jsonCharts = json.sections
      .flatMap((s: { blocks: { kind: string }[] }) => s.blocks)
      .filter((b: { kind: string }) => b.kind === 'chart');
    charts(report).forEach((c, k) => {
      expect(jsonCharts[k].runIds).toEqual(c.runIds);
      expect(jsonCharts[k].data).toEqual(c.data);
    });
  });
});

describe('html', () => {
  it('is self-contained: no scripts, no external resources, no URLs at all', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<link|<img|<iframe|@import|url\((?!#)/i);
    for (const [, target] of html.matchAll(/(?:href|src)="([^"]*)"/g))
      expect(target!.startsWith('#'), target).toBe(true);
  });

  it('has a table of contents whose links all lead to parts of the page', () => {
    const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    const links = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
    expect(links.length).toBe(report.sections.length + tables(report).length + charts(report).length);
    for (const l of links) expect(ids.has(l), l).toBe(true);
  });

  it('renders each chart as an accessible inline SVG figure with its title, text alternative and runs', () => {
    const figures = [...html.matchAll(/<figure id="([^"]+)">([\s\S]*?)<\/figure>/g)];
    expect(figures.map((f) => f[1])).toEqual(charts(report).map((c) => c.id));
    for (const [, id, body] of figures) {
      const chart = charts(report).find((c) => c.id === id)!;
      expect(body).toMatch(new RegExp(`^\\s*<svg role="img" aria-labelledby="${id}-svg-title ${id}-svg-desc"`));
      expect(unescape(body!.match(/<title id="[^"]+">([^<]*)<\/title>/)![1]!)).toBe(chart.title);
      expect(unescape(body!.match(/<desc id="[^"]+">([^<]*)<\/desc>/)![1]!)).toBe(chart.description);
      const caption = unescape(body!.match(/<figcaption>([\s\S]*)<\/figcaption>/)![1]!);
      for (const run of chart.runIds) expect(caption).toContain(run);
      // The run ids are drawn in the chart too (subtitle), and the axes carry titles.
      expect(body).toContain(chart.runIds.join(', '));
      expect((body!.match(/class="mark-[a-z]+ role-mark/g) ?? []).length).toBeGreaterThan(0);
    }
  });

  it("shows every table cell and names every table's runs in its caption", () => {
    const text = unescape(html);
    for (const t of tables(report)) {
      const start = html.indexOf(`id="${t.id}"`);
      const caption = unescape(html.slice(start, html.indexOf('</caption>', start)));
      for (const run of t.runIds) expect(caption).toContain(run);
      for (const row of t.rows) for (const cell of row.cells) expect(text).toContain(cell.text);
    }
  });
});

describe('writing and the scanlab report command', () => {
  it('writes only the formats asked for', async () => {
    const dir = join(scratch.dir, 'only-md');
    expect(await writeReport(report, dir, parseFormats('md,json,md'))).toEqual([
      join(dir, 'report.md'),
      join(dir, 'report.json'),
    ]);
    expect(existsSync(join(dir, 'index.html'))).toBe(false);
  });

  it('writes the three files and prints the path of index.html; bad formats and unknown runs are clear errors', () => {
    fx.store.close();
    const out = join(scratch.dir, 'cli');
    const ok = runCli([
      'report',
      fx.robustness.run.id,
      fx.fpr.run.id.slice(0, 18),
      '--store',
      fx.storePath,
      '--out',
      out,
      '--thresholds',
      'ahash=6',
    ]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toBe(`${join(out, 'index.html')}\n`);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(json.runs.map((r: { id: string }) => r.id)).toEqual([fx.robustness.run.id, fx.fpr.run.id]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| ahash | 64 | 6 |');
    const bad = runCli(['report', fx.fpr.run.id, '--store', fx.storePath, '--format', 'pdf']);
    expect([bad.status, bad.stderr]).toEqual([2, 'scanlab: --format takes html, md, json, not "pdf"\n']);
    const missing = runCli(['report', 'no-such-run', '--store', fx.storePath]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^scanlab: no run "no-such-run" in /);
  });
});
