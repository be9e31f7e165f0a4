// The demo's leakage steps: a small inversion run on the bundled sample (PDQ and pHash, re-identification among 10
// and 100 candidates, contact sheet into the report) and a small who-learns-what run over the PSI protocols.
import { join } from 'node:path';
import type { RunRecord, RunStore } from '../eval/store.js';
import { runInversionExperiment, INVERSION_RUN_KIND, type InvertRunConfig } from '../leakage/invert-run.js';
import { DEFAULT_PROTOCOL_LEAKAGE, measureProtocolLeakage, storeProtocolLeakage } from '../leakage/protocol-leakage.js';

/** The demo's inversion: analytic and learned inverses of PDQ and pHash, four training views per image. */
export const demoInversionConfig = (dataset: string): InvertRunConfig => ({
  dataset,
  algos: ['pdq', 'phash'],
  candidates: [10, 100],
  seed: 1,
  folds: 5,
  steps: 0,
  views: 4,
  sheetRows: 8,
});

/** Runs the demo inversion (reusing `previous` when it finished) and writes the reconstructions under outDir. */
export async function demoInversion(
  store: RunStore,
  config: InvertRunConfig,
  outDir: string,
  previous: RunRecord | undefined,
): Promise<{ run: RunRecord; reused: boolean }> {
  if (previous?.status === 'done' && previous.kind === INVERSION_RUN_KIND) return { run: previous, reused: true };
  const out = await runInversionExperiment(store, config, { out: join(outDir, 'inversion'), name: 'demo-invert' });
  return { run: store.getRun(out.runId), reused: false };
}

/**
 * The demo's protocol leakage: four protocols and the pipeline's relay, 16 measured session pairs each, count leakage
 * over 1, 4, 16 epochs.
 */
export async function demoProtocolLeakage(store: RunStore): Promise<RunRecord> {
  const summary = await measureProtocolLeakage({
    ...DEFAULT_PROTOCOL_LEAKAGE,
    protocols: ['plaintext', 'oprf-membership', 'ecdh-psi', 'tpsi-ad', 'pipeline:relay'],
    trials: 16,
    calibration: 8,
  });
  return store.getRun(storeProtocolLeakage(store, summary, 'demo-protocol-leakage'));
}
