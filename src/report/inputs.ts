// Loads what a report draws on from the run store: each run's record, its artifacts (summaries) and a description of
// its dataset. Everything after this step is a pure function of these inputs.
import type { RunStore } from '../eval/store.js';
import { describeDataset, type DatasetInfo } from './dataset-info.js';
import type { ReportRun } from './model.js';

export interface ReportInput {
  readonly run: ReportRun;
  readonly artifacts: Readonly<Record<string, unknown>>;
  readonly dataset?: DatasetInfo;
}

/** The dataset path of a run's config, when it has one. */
export function datasetPathOf(run: ReportRun): string | undefined {
  const d = (run.config as { dataset?: unknown } | null)?.dataset;
  return typeof d === 'string' ? d : undefined;
}

/** Runs by id, id prefix or name (each once, in the order given); a missing run is the store's StoreError. */
export async function loadReportInputs(store: RunStore, refs: readonly string[]): Promise<ReportInput[]> {
  const runs = [...new Map(refs.map((ref) => store.getRun(ref)).map((r) => [r.id, r])).values()];
  const datasets = new Map<string, Promise<DatasetInfo>>();
  const inputs: ReportInput[] = [];
  for (const run of runs) {
    const artifacts = Object.fromEntries(store.listArtifacts(run.id).map((k) => [k, store.getArtifact(run.id, k)]));
    const path = datasetPathOf(run);
    if (path && !datasets.has(path)) datasets.set(path, describeDataset(path));
    inputs.push({ run, artifacts, dataset: path ? await datasets.get(path) : undefined });
  }
  return inputs;
}
