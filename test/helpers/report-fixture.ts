// A small real evaluation for report tests: synthetic images run through the robustness and FPR experiments.
import { join } from 'node:path';
import { generateSyntheticDataset } from '../../src/dataset/synthetic.js';
import { fprConfig, runFpr, type FprSummary } from '../../src/eval/fpr.js';
import { robustnessConfig, runRobustness } from '../../src/eval/robustness.js';
import type { RobustnessSummary } from '../../src/eval/robustness-summary.js';
import { RunStore, type RunRecord } from '../../src/eval/store.js';

export const FIXTURE_ALGOS = ['ahash', 'pdq', 'colorhash'];
export const FIXTURE_TRANSFORMS = ['jpeg(q=40)', 'flip(axis=h)', 'blur(sigma=2)'];

export interface ReportFixture {
  readonly store: RunStore;
  readonly storePath: string;
  readonly dataDir: string;
  readonly robustness: { readonly run: RunRecord; readonly summary: RobustnessSummary };
  readonly fpr: { readonly run: RunRecord; readonly summary: FprSummary };
}

/** `count` synthetic images (each its own group), one robustness run and one FPR run over them, in a store under `dir`. */
export async function buildReportFixture(dir: string, count = 10): Promise<ReportFixture> {
  const dataDir = join(dir, 'data');
  await generateSyntheticDataset(dataDir, { count, seed: 21, size: 96 });
  const storePath = join(dir, 'runs.sqlite');
  const store = RunStore.open(storePath);
  const robustness = await runRobustness(
    robustnessConfig({ dataset: dataDir, algos: FIXTURE_ALGOS, transforms: FIXTURE_TRANSFORMS, seed: 4 }),
    { store, jobs: 1 },
  );
  const fpr = await runFpr(fprConfig({ dataset: dataDir, algos: FIXTURE_ALGOS, seed: 5 }), { store, jobs: 1 });
  return { store, storePath, dataDir, robustness, fpr };
}
