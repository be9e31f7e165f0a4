import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticDataset } from '../src/dataset/synthetic.js';
import { fprConfig, runFpr } from '../src/eval/fpr.js';
import { MODEL_CARDS_ARTIFACT, type ModelCardRecord } from '../src/eval/model-cards.js';
import { robustnessConfig, runRobustness } from '../src/eval/robustness.js';
import { RunStore } from '../src/eval/store.js';
import { runAttributesExperiment } from '../src/leakage/attributes-run.js';
import { buildReport } from '../src/report/build.js';
import { loadReportInputs } from '../src/report/inputs.js';
import type { Report, TableBlock } from '../src/report/model.js';
import { repoRoot, scratchDir } from './helpers/images.js';

// The neural-hash section, rendered from real stored runs of scanlab's own learned hash beside PDQ: the model card the
// runs recorded (checked against the model file's digest computed here), its TPR/FPR beside the classic hash's (the
// same cells the robustness and FPR sections show), and its attribute leakage.

const NEURAL = `neural:${join(repoRoot, 'models', 'scanlab-tiny.json')}`;
const scratch = scratchDir('report-neural');
let store: RunStore;
let report: Report;
let classicOnly: Report;
const runIds: string[] = [];

beforeAll(async () => {
  const data = join(scratch.dir, 'data');
  const synth = await generateSyntheticDataset(data, { count: 8, seed: 3, size: 96 });
  // Half the images greyscale, so that the greyscale label has two classes to predict.
  for (const item of synth.items.slice(0, 4))
    writeFileSync(item.path, await sharp(readFileSync(item.path)).greyscale().png().toBuffer());
  store = RunStore.open(join(scratch.dir, 'runs.sqlite'));
  const algos = ['pdq', NEURAL];
  const rob = await runRobustness(
    robustnessConfig({ dataset: data, algos, transforms: ['jpeg(q=40)', 'flip(axis=h)'], seed: 2 }),
    { store, jobs: 1 },
  );
  const fpr = await runFpr(fprConfig({ dataset: data, algos, seed: 2 }), { store, jobs: 1 });
  const attrs = await runAttributesExperiment(store, { dataset: data, algos, labels: [], folds: 2, seed: 1 }, {});
  const classic = await runRobustness(
    robustnessConfig({ dataset: data, algos: ['pdq'], transforms: ['jpeg(q=40)'], seed: 2 }),
    { store, jobs: 1 },
  );
  runIds.push(rob.run.id, fpr.run.id, attrs.runId);
  report = buildReport(await loadReportInputs(store, runIds));
  classicOnly = buildReport(await loadReportInputs(store, [classic.run.id]));
}, 300_000);
afterAll(() => {
  store?.close();
  scratch.cleanup();
});

const table = (r: Report, id: string): TableBlock => {
  for (const s of r.sections) for (const b of s.blocks) if (b.kind === 'table' && b.id === id) return b;
  throw new Error(`no table ${id}`);
};
const cellsOf = (t: TableBlock, first: string): string[] =>
  t.rows.find((row) => row.cells[0]?.text === first)?.cells.map((c) => c.text) ?? [];

describe('the neural-hash report section', () => {
  it('shows the model card each run recorded, with the model file digest', () => {
    const sha = createHash('sha256')
      .update(readFileSync(join(repoRoot, 'models', 'scanlab-tiny.onnx')))
      .digest('hex');
    for (const id of runIds) {
      const cards = store.getArtifact<ModelCardRecord[]>(id, MODEL_CARDS_ARTIFACT);
      expect(cards?.map((c) => [c.algo, c.name, c.nbits, c.modelSha256])).toEqual([[NEURAL, 'scanlab-tiny', 96, sha]]);
    }
    const s = report.sections.find((x) => x.id === 'neural')!;
    expect(s.title).toBe('Learned hash: scanlab-tiny');
    expect(s.runIds).toEqual(runIds);
    const card = table(report, 'neural-card');
    expect(cellsOf(card, 'model')[1]).toContain(sha);
    expect(cellsOf(card, 'bits')[1]).toBe('96, bit = value ≥ 0');
    expect(cellsOf(card, 'projection')[1]).toMatch(/^scanlab-tiny\.proj\.f32: 96 × 128 \(SHA-256 [0-9a-f]{64}\)$/);
  });

  it('puts its TPR and FPR beside PDQ’s, the same figures the robustness and FPR sections show', () => {
    const rates = table(report, 'neural-rates');
    // pdq-dihedral comes from the FPR run only (it has no robustness row).
    expect(rates.rows.map((r) => r.cells[0]!.text)).toEqual(['pdq', `${NEURAL} (learned)`, 'pdq-dihedral']);
    const robustness = table(report, 'robustness-overall');
    for (const algo of ['pdq', NEURAL]) {
      const mine = rates.rows.find((r) => r.cells[0]!.text.startsWith(algo))!;
      const theirs = robustness.rows.find((r) => r.cells[0]!.text === algo)!;
      expect(mine.cells[2]!.value).toEqual(theirs.cells.find((c) => c.text === mine.cells[2]!.text)?.value);
      expect(mine.cells[3]!.value).not.toBeNull();
    }
  });

  it('shows its attribute leakage against the majority class, and no section without a learned hash', () => {
    const attrs = table(report, 'neural-attributes');
    expect(attrs.rows.map((r) => r.cells[0]!.text)).toContain('greyscale');
    expect(classicOnly.sections.some((s) => s.id.startsWith('neural'))).toBe(false);
  });
});
