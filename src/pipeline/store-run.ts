// Keeps a pipeline run in the run store (kind `pipeline`): configuration, summary, per-message outcomes, the
// matcher's per-account view and the reviewer's queue (derivatives as base64).
import type { RunStore } from '../eval/store.js';
import type { PipelineResult } from './run.js';
import { summarizePipeline, type PipelineSummary } from './summary.js';

export const PIPELINE_RUN_KIND = 'pipeline';

export interface StoredPipelineRun {
  readonly runId: string;
  readonly summary: PipelineSummary;
}

export function storePipelineRun(
  store: RunStore,
  result: PipelineResult,
  meta: { readonly name?: string; readonly db?: string; readonly photos?: string } = {},
): StoredPipelineRun {
  const run = store.createRun({
    kind: PIPELINE_RUN_KIND,
    name: meta.name ?? `pipeline-${result.config.protocol}`,
    config: { ...result.config, db: meta.db, photos: meta.photos, databaseSize: result.databaseSize },
    seed: result.config.seed,
  });
  const summary = summarizePipeline(result);
  store.putResults(
    run.id,
    'messages',
    result.messages.map((m) => ({ key: String(m.index).padStart(8, '0'), value: m })),
  );
  store.putArtifact(run.id, 'summary', summary);
  store.putArtifact(
    run.id,
    'reviewer',
    result.reviewer.map((r) => ({
      account: r.account,
      messageId: r.messageId,
      photo: r.photo,
      realMatch: r.realMatch,
      derivative: r.derivative ? Buffer.from(r.derivative).toString('base64') : null,
    })),
  );
  store.setStatus(run.id, 'done');
  return { runId: run.id, summary };
}
