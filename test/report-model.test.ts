import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clopperPearson } from '../src/eval/binomial.js';
import { DOF_ASSUMPTION } from '../src/eval/dof-fit.js';
import { exportRows } from '../src/eval/export.js';
import { INDEPENDENCE_ASSUMPTION } from '../src/eval/population.js';
import { defaultThreshold } from '../src/eval/thresholds.js';
import { fromHex } from '../src/hash/bits.js';
import { hammingBytes } from '../src/hash/hamming.js';
import { getHasher } from '../src/hash/registry.js';
import { buildReport, ReportError } from '../src/report/build.js';
import type { SectionContributor } from '../src/report/context.js';
import { REPORT_CONTRIBUTORS } from '../src/report/contributors.js';
import { loadReportInputs, type ReportInput } from '../src/report/inputs.js';
import type { Block, ChartBlock, Report, ReportSection, TableBlock } from '../src/report/model.js';
import { STATISTICAL_METHODS } from '../src/report/sections/methods.js';
import { buildReportFixture, FIXTURE_ALGOS, FIXTURE_TRANSFORMS, type ReportFixture } from './helpers/report-fixture.js';
import { scratchDir } from './helpers/images.js';

const scratch = scratchDir('report-model');
let fx: ReportFixture;
let inputs: ReportInput[];
let report: Report;
/** Distances of (original, edited copy) per algorithm and transform, straight from the stored unit results. */
const related = new Map<string, number[]>();
/** Distances of every pair of different images per algorithm, recomputed from the FPR run's stored hashes. */
const unrelated = new Map<string, number[]>();

beforeAll(async () => {
  fx = await buildReportFixture(scratch.dir);
  inputs = await loadReportInputs(fx.store, [fx.robustness.run.id, fx.fpr.run.id]);
  report = buildReport(inputs, {
    now: new Date('2025-01-02T03:04:05Z'),
    dbSizes: [100, 1e6],
    photoVolumes: [10],
    accountThresholds: [1, 2],
    maxAccountThreshold: 5,
  });
  for (const r of exportRows(fx.store, fx.robustness.run.id).rows) {
    if (r.distance === null) continue;
    for (const key of [`${r.algo}|${r.transform}`, `${r.algo}|*`])
      related.set(key, [...(related.get(key) ?? []), r.distance as number]);
  }
  const hashes = exportRows(fx.store, fx.fpr.run.id, 'hashes').rows;
  for (const algo of FIXTURE_ALGOS) {
    const nbits = getHasher(algo).nbits;
    const mine = hashes.filter((h) => h.algo === algo).map((h) => fromHex(algo, nbits, h.hash as string));
    const d: number[] = [];
    for (let i = 0; i < mine.length; i++)
      for (let j = i + 1; j < mine.length; j++) d.push(hammingBytes(mine[i]!.bits, mine[j]!.bits));
    unrelated.set(algo, d);
  }
});
afterAll(() => {
  fx?.store.close();
  scratch.cleanup();
});

const section = (r: Report, id: string): ReportSection => {
  const s = r.sections.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id} (have ${r.sections.map((x) => x.id).join(', ')})`);
  return s;
};
const table = (s: ReportSection, id: string): TableBlock =>
  s.blocks.find((b): b is TableBlock => b.kind === 'table' && b.id === id)!;
const charts = (r: Report): ChartBlock[] =>
  r.sections.flatMap((s) => s.blocks).filter((b): b is ChartBlock => b.kind === 'chart');
const rowOf = (t: TableBlock, first: string) => t.rows.find((r) => r.cells[0]!.text === first)!;
const col = (t: TableBlock, key: string): number => t.columns.findIndex((c) => c.key === key);
const atMost = (xs: readonly number[], tau: number): number => xs.filter((x) => x <= tau).length;

describe('report model', () => {
  it('has the key numbers first, one section per contributor kind, methods last, and names every run', () => {
    expect(report.sections.map((s) => s.id)).toEqual([
      'key-numbers',
      'robustness',
      'fpr',
      'roc',
      'population',
      'claims',
      'methods',
    ]);
    expect(report.runs.map((r) => r.id)).toEqual([fx.robustness.run.id, fx.fpr.run.id]);
    expect(report.generatedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(section(report, 'robustness').runIds).toEqual([fx.robustness.run.id]);
    expect(section(report, 'fpr').runIds).toEqual([fx.fpr.run.id]);
    expect(section(report, 'roc').runIds).toEqual([fx.robustness.run.id, fx.fpr.run.id]);
    expect(section(report, 'population').runIds).toEqual([fx.fpr.run.id]);
  });

  it('gives every table row and chart the ids of runs in the report, and only those its section draws on', () => {
    const known = new Set(report.runs.map((r) => r.id));
    for (const s of report.sections) {
      for (const b of s.blocks) {
        if (b.kind !== 'table' && b.kind !== 'chart') continue;
        // The published-claims blocks are arithmetic on stated inputs and name no run; every other block names its runs.
        if (!b.id.startsWith('claims-apple')) expect(b.runIds.length, b.id).toBeGreaterThan(0);
        for (const id of b.runIds) expect(known.has(id) && s.runIds.includes(id), `${b.id}: ${id}`).toBe(true);
        if (b.kind === 'table') for (const row of b.rows) for (const id of row.runIds) expect(b.runIds).toContain(id);
      }
    }
  });

  it('robustness: TPR per algorithm and per transform equals the share of stored distances within τ, with its interval', () => {
    const s = section(report, 'robustness');
    const overall = table(s, 'robustness-overall');
    for (const algo of FIXTURE_ALGOS) {
      const tau = defaultThreshold(algo);
      const d = related.get(`${algo}|*`)!;
      expect(d.length).toBe(10 * FIXTURE_TRANSFORMS.length);
      const cell = rowOf(overall, algo).cells[col(overall, 'tpr')]!;
      expect(cell.value).toEqual({ ...clopperPearson(atMost(d, tau), d.length) });
      expect(rowOf(overall, algo).cells[col(overall, 'mean')]!.value).toBeCloseTo(
        d.reduce((a, b) => a + b, 0) / d.length,
        10,
      );
    }
    const byTransform = table(s, 'robustness-by-transform');
    expect(byTransform.rows.map((r) => r.cells[0]!.text)).toEqual(FIXTURE_TRANSFORMS);
    for (const t of FIXTURE_TRANSFORMS) {
      for (const algo of FIXTURE_ALGOS) {
        const d = related.get(`${algo}|${t}`)!;
        const value = rowOf(byTransform, t).cells[col(byTransform, algo)]!.value as { k: number; n: number };
        expect([value.k, value.n], `${algo} ${t}`).toEqual([atMost(d, defaultThreshold(algo)), d.length]);
      }
    }
    const heat = s.blocks.find((b): b is ChartBlock => b.kind === 'chart')!;
    expect(heat.data).toHaveLength(FIXTURE_ALGOS.length * FIXTURE_TRANSFORMS.length);
    for (const datum of heat.data) {
      const d = related.get(`${datum.algo}|${datum.transform}`)!;
      expect(datum.tpr).toBeCloseTo(atMost(d, datum.threshold as number) / d.length, 12);
    }
  });

  it('fpr: FPR at τ equals the share of pairs of different images within τ, recomputed from the stored hashes', () => {
    const rates = table(section(report, 'fpr'), 'fpr-rates');
    for (const algo of FIXTURE_ALGOS) {
      const d = unrelated.get(algo)!;
      expect(d.length).toBe(45);
      const row = rowOf(rates, algo);
      expect(row.cells[col(rates, 'pairs')]!.value).toBe(45);
      expect(row.cells[col(rates, 'fpr')]!.value).toEqual({ ...clopperPearson(atMost(d, defaultThreshold(algo)), 45) });
      expect(row.runIds).toEqual([fx.fpr.run.id]);
    }
    const chart = section(report, 'fpr').blocks.find((b): b is ChartBlock => b.kind === 'chart')!;
    const measured = chart.data.filter((x) => x.algo === 'ahash' && String(x.series).startsWith('measured'));
    expect(measured).toHaveLength(65);
    for (const m of measured) expect(m.matched).toBe(atMost(unrelated.get('ahash')!, m.threshold as number));
  });

  it('roc: AUC equals the Mann–Whitney statistic of the raw related and unrelated distances', () => {
    const summary = table(section(report, 'roc'), 'roc-summary');
    for (const algo of FIXTURE_ALGOS) {
      const r = related.get(`${algo}|*`)!;
      const u = unrelated.get(algo)!;
      let wins = 0;
      for (const a of r) for (const b of u) wins += a < b ? 1 : a === b ? 0.5 : 0;
      expect(rowOf(summary, algo).cells[col(summary, 'auc')]!.value).toBeCloseTo(wins / (r.length * u.length), 12);
      // 45 unrelated pairs support no standard target (the smallest, 1e-2, needs 300).
      expect(rowOf(summary, algo).cells[col(summary, 'tpr@0.01')]!.value).toEqual({
        targetFpr: 0.01,
        supported: false,
      });
    }
    const hist = section(report, 'roc').blocks.find(
      (b): b is ChartBlock => b.kind === 'chart' && b.id === 'roc-histograms',
    )!;
    const pdqRelated = hist.data.filter((x) => x.algo === 'pdq' && String(x.population).startsWith('related'));
    expect(pdqRelated.reduce((s, x) => s + (x.pairs as number), 0)).toBe(related.get('pdq|*')!.length);
  });

  it('population: per-photo and per-account probabilities follow from the FPR interval by the binomial formulas', () => {
    const measured = table(section(report, 'population'), 'population-measured');
    // Rows whose interval spans nearly [0, 1] at every t are collapsed into the note.
    const note = (measured.notes ?? []).join(' ');
    const collapsed =
      (note.match(/D = /g)?.length ?? 0) +
      [...note.matchAll(/\(all (\d+) scenarios\)/g)].reduce((s, m) => s + Number(m[1]), 0);
    // The FPR run adds a pdq-dihedral row (PDQ matched in all eight rotations and mirror images) beside pdq.
    expect(measured.rows.length + collapsed).toBe((FIXTURE_ALGOS.length + 1) * 2);
    expect(measured.rows.length).toBeGreaterThan(0);
    const photo = (f: number): number => 1 - (1 - f) ** 100;
    const atLeast2 = (p: number): number => 1 - (1 - p) ** 10 - 10 * p * (1 - p) ** 9;
    for (const row of measured.rows.filter((r) => r.cells[col(measured, 'D')]!.value === 100)) {
      const algo = row.cells[0]!.text;
      // The FPR cell is the cluster-jackknife proportion (the run kept per-image histograms): k/n of the raw pairs.
      const fpr = row.cells[col(measured, 'fpr')]!.value as {
        k: number;
        n: number;
        estimate: number;
        lower: number;
        upper: number;
      };
      expect(fpr.k).toBe(atMost(unrelated.get(algo)!, defaultThreshold(algo)));
      expect(fpr.n).toBe(45);
      expect(fpr.lower).toBeLessThanOrEqual(fpr.estimate);
      expect(fpr.upper).toBeGreaterThanOrEqual(fpr.estimate);
      const perPhoto = row.cells[col(measured, 'perPhoto')]!.value as {
        estimate: number;
        lower: number;
        upper: number;
      };
      const t2 = row.cells[col(measured, 't2')]!.value as { estimate: number; lower: number; upper: number };
      const t1 = row.cells[col(measured, 't1')]!.value as { estimate: number };
      for (const k of ['estimate', 'lower', 'upper'] as const) {
        expect(perPhoto[k]).toBeCloseTo(photo(fpr[k]), 12);
        expect(t2[k]).toBeCloseTo(atLeast2(photo(fpr[k])), 10);
      }
      expect(t1.estimate).toBeCloseTo(1 - (1 - photo(fpr.estimate)) ** 10, 12);
    }
    const chart = section(report, 'population').blocks.find((b): b is ChartBlock => b.kind === 'chart')!;
    expect(new Set(chart.data.map((x) => x.t))).toEqual(new Set([1, 2, 3, 4, 5]));
    const items = section(report, 'population').blocks.flatMap((b) => (b.kind === 'list' ? b.items : []));
    expect(items[0]).toBe(INDEPENDENCE_ASSUMPTION);
    expect(items.some((i) => i.startsWith('dof-binomial: ') && i.includes(DOF_ASSUMPTION))).toBe(true);
    // Extrapolations are bands (log10 bounds), never a single number and never a bare 0.
    const models = table(section(report, 'population'), 'population-models');
    for (const r of models.rows)
      for (const c of r.cells.slice(col(models, 't1'))) {
        expect(c.text).toMatch(/^\[.+, .+\]$/);
        expect(c.text).not.toMatch(/\[0,|, 0\]/);
      }
  });

  it('key numbers: one row per algorithm, each value the same as in its section, with the union of its runs', () => {
    const key = table(section(report, 'key-numbers'), 'key-numbers-by-algorithm');
    expect(key.rows.map((r) => r.cells[0]!.text)).toEqual([...FIXTURE_ALGOS, 'pdq-dihedral']);
    const overall = table(section(report, 'robustness'), 'robustness-overall');
    const rates = table(section(report, 'fpr'), 'fpr-rates');
    for (const algo of FIXTURE_ALGOS) {
      const row = rowOf(key, algo);
      expect(row.cells[1]).toEqual(rowOf(overall, algo).cells[col(overall, 'tpr')]);
      expect(row.cells[2]).toEqual(rowOf(rates, algo).cells[col(rates, 'fprCluster')]);
      expect(row.runIds).toEqual([fx.robustness.run.id, fx.fpr.run.id]);
    }
  });

  it('methods: runs, seeds, dataset fingerprint and kinds, transforms, thresholds, versions and the stated assumptions', () => {
    const s = section(report, 'methods');
    const runs = table(s, 'methods-runs');
    expect(rowOf(runs, fx.robustness.run.id).cells.map((c) => c.text)).toEqual(
      expect.arrayContaining(['robustness', 'done', '4']),
    );
    expect(rowOf(runs, fx.fpr.run.id).cells[col(runs, 'seed')]!.text).toBe('5');
    const datasets = table(s, 'methods-datasets');
    expect(datasets.rows).toHaveLength(1);
    const d = datasets.rows[0]!;
    expect(d.cells[col(datasets, 'fingerprint')]!.value).toBe(fx.robustness.run.datasetHash);
    expect(d.cells[col(datasets, 'items')]!.value).toBe(10);
    expect(d.cells[col(datasets, 'kinds')]!.value).toEqual({ synthetic: 10 });
    expect(d.runIds).toEqual([fx.robustness.run.id, fx.fpr.run.id]);
    expect(table(s, 'methods-transforms').rows.map((r) => r.cells[0]!.text)).toEqual(FIXTURE_TRANSFORMS);
    const thresholds = table(s, 'methods-thresholds');
    expect(thresholds.rows.map((r) => [r.cells[0]!.text, r.cells[1]!.value, r.cells[2]!.value])).toEqual([
      ['ahash', 64, 10],
      ['pdq', 256, 31],
      ['colorhash', 42, 4],
    ]);
    const versions = table(s, 'methods-versions');
    expect(rowOf(versions, 'Node.js').cells[1]!.text).toBe(fx.fpr.run.provenance.node);
    expect(rowOf(versions, 'sharp').cells[1]!.text).toBe(fx.fpr.run.provenance.packages.sharp);
    expect(rowOf(versions, 'libsodium (PSI)').cells[1]!.text).toBe(fx.fpr.run.provenance.libsodium);
    const methods = s.blocks.flatMap((b) => (b.kind === 'list' && b.title?.startsWith('Statistical') ? b.items : []));
    expect(methods).toEqual(STATISTICAL_METHODS);
    expect(methods.join(' ')).toContain(DOF_ASSUMPTION);
    expect(methods.join(' ')).toContain(INDEPENDENCE_ASSUMPTION);
  });

  it('uses thresholds given for the report instead of the defaults, and says so', () => {
    const custom = buildReport(inputs, { thresholds: { ahash: 3 } });
    const overall = table(section(custom, 'robustness'), 'robustness-overall');
    const d = related.get('ahash|*')!;
    expect(rowOf(overall, 'ahash').cells[col(overall, 'tau')]!.value).toBe(3);
    expect((rowOf(overall, 'ahash').cells[col(overall, 'tpr')]!.value as { k: number }).k).toBe(atMost(d, 3));
    const thresholds = table(section(custom, 'methods'), 'methods-thresholds');
    expect(rowOf(thresholds, 'ahash').cells[3]!.text).toBe('set for this report');
    expect(rowOf(thresholds, 'pdq').cells[3]!.text).toMatch(/default/);
  });

  it('a report of one FPR run has no robustness or ROC section', () => {
    const only = buildReport(inputs.filter((i) => i.run.kind === 'fpr'));
    expect(only.sections.map((s) => s.id)).toEqual(['key-numbers', 'fpr', 'population', 'claims', 'methods']);
  });

  it('takes new contributors through the same registry; runs no contributor covers are listed in the methods', async () => {
    const run = fx.store.createRun({ kind: 'psi-costs', config: { protocol: 'ecdh-psi', items: 64 }, seed: 9 });
    fx.store.putArtifact(run.id, 'summary', { bytesPerPhoto: 96, groupOpsPerPhoto: 2 });
    fx.store.setStatus(run.id, 'done');
    const withPsi = await loadReportInputs(fx.store, [fx.fpr.run.id, run.id]);
    const notes = (r: Report): string[] =>
      section(r, 'methods').blocks.flatMap((b) =>
        b.kind === 'list' && b.title === 'Notes on the runs' ? b.items : [],
      );
    expect(notes(buildReport(withPsi)).join('\n')).toContain(
      `Run ${run.id} is a psi-costs run, for which no report section exists yet`,
    );

    const psiContributor: SectionContributor = {
      id: 'psi-costs',
      kinds: ['psi-costs'],
      contribute: (ctx) =>
        ctx.inputs
          .filter((i) => i.run.kind === 'psi-costs')
          .map((i): ReportSection => {
            const s = i.artifacts.summary as { bytesPerPhoto: number };
            const block: Block = {
              kind: 'table',
              id: 'psi-costs-table',
              caption: 'PSI costs',
              runIds: [i.run.id],
              columns: [{ key: 'b', label: 'Bytes per photo' }],
              rows: [{ runIds: [i.run.id], cells: [{ text: String(s.bytesPerPhoto), value: s.bytesPerPhoto }] }],
            };
            return {
              id: 'psi-costs',
              title: 'PSI costs',
              runIds: [i.run.id],
              blocks: [block],
              keyNumbers: [{ label: 'Bytes per photo', cell: { text: '96', value: 96 }, runIds: [i.run.id] }],
            };
          }),
    };
    const contributors = [
      ...REPORT_CONTRIBUTORS.slice(0, -1),
      psiContributor,
      REPORT_CONTRIBUTORS[REPORT_CONTRIBUTORS.length - 1]!,
    ];
    const extended = buildReport(withPsi, {}, contributors);
    expect(extended.sections.map((s) => s.id)).toEqual([
      'key-numbers',
      'fpr',
      'population',
      'claims',
      'psi-costs',
      'methods',
    ]);
    expect(notes(extended).join('\n')).not.toContain('no report section exists');
    const plain = table(section(extended, 'key-numbers'), 'key-numbers-other');
    expect(plain.rows[0]!.cells.map((c) => c.text)).toEqual(['Bytes per photo', '96', run.id]);
  });

  it('lists an unfinished run without results, and refuses an empty report or clashing ids', async () => {
    const pending = fx.store.createRun({
      kind: 'robustness',
      config: { dataset: fx.dataDir, algos: ['ahash'], transforms: ['greyscale'], seed: 1 },
      seed: 1,
    });
    const r = buildReport(await loadReportInputs(fx.store, [pending.id, fx.fpr.run.id]));
    expect(r.sections.some((s) => s.id.startsWith('robustness'))).toBe(false);
    expect(
      section(r, 'methods')
        .blocks.flatMap((b) => (b.kind === 'list' ? b.items : []))
        .join('\n'),
    ).toContain(`Run ${pending.id} (robustness) is running and has no summary yet`);
    expect(() => buildReport([])).toThrow(ReportError);
    const twice: SectionContributor = {
      id: 'x',
      kinds: [],
      contribute: () => [{ id: 'methods', title: 'again', runIds: [], blocks: [] }],
    };
    expect(() => buildReport(inputs, {}, [...REPORT_CONTRIBUTORS, twice])).toThrow(/share the id "methods"/);
  });

  it('every chart has a title, a text alternative, data and axis titles', () => {
    const all = charts(report);
    expect(all.map((c) => c.id)).toEqual([
      'robustness-heatmap',
      'fpr-vs-threshold',
      'roc-curves',
      'roc-histograms',
      'population-accounts-n10',
      'claims-apple-correlation',
    ]);
    for (const c of all) {
      expect(c.title.length).toBeGreaterThan(5);
      expect(c.description.length).toBeGreaterThan(40);
      expect(c.data.length).toBeGreaterThan(0);
      const titles = JSON.stringify(c.spec).match(/"title":"[^"]+"/g) ?? [];
      expect(titles.length, c.id).toBeGreaterThanOrEqual(3);
    }
  });
});
