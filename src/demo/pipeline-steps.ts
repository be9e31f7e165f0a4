// The demo's last two steps: a small pipeline run on the bundled sample (three accounts, one of which reaches the
// threshold) and a population simulation seeded from the demo's FPR run and costed from that pipeline run.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRecord, RunStore } from '../eval/store.js';
import { getHasher } from '../hash/registry.js';
import type { Hash } from '../hash/types.js';
import { decodeImage } from '../image/decode.js';
import { writePipelineOutputs } from '../pipeline/outputs.js';
import { DEFAULT_PIPELINE_CONFIG, runPipeline, type PipelinePhoto } from '../pipeline/run.js';
import { storePipelineRun } from '../pipeline/store-run.js';
import { parseCountDistribution } from '../simulate/count-distribution.js';
import { simulatePopulation } from '../simulate/population.js';
import { photoFprFromRun, serverCostFromRun } from '../simulate/sources.js';
import { storeSimulationRun } from '../simulate/store-run.js';
import { createPrng, randomBytesFrom } from '../util/prng.js';

const DEMO_PHOTOS = 24;
const DEMO_ACCOUNTS = 3;
/** Photos of account 0 (indices ≡ 0 mod 3) and account 1 put into the demo database: 5 ≥ t and 2 < t. */
const IN_DATABASE = [0, 3, 6, 9, 12, 1, 4];

/** Sends the first photos of the sample through the pipeline (tpsi-ad, t = 3) and stores the run. */
export async function demoPipeline(store: RunStore, imagePaths: readonly string[], outDir: string): Promise<RunRecord> {
  const paths = [...imagePaths].sort().slice(0, DEMO_PHOTOS);
  const photos: PipelinePhoto[] = await Promise.all(
    paths.map(async (p, i) => ({
      name: p.split('/').pop() ?? p,
      bytes: new Uint8Array(await readFile(p)),
      account: i % DEMO_ACCOUNTS,
    })),
  );
  const pdq = getHasher('pdq');
  const database: Hash[] = [];
  for (const i of IN_DATABASE) {
    const photo = photos[i];
    if (photo) database.push(await pdq.hash(await decodeImage(photo.bytes)));
  }
  const prng = createPrng(16);
  for (let i = 0; i < 200; i++)
    database.push({ algo: 'pdq', nbits: 256, bits: randomBytesFrom(prng, 32), quality: 100 });
  const config = { ...DEFAULT_PIPELINE_CONFIG, accountThreshold: 3, syntheticRate: 0.1, recipients: 2 };
  const result = await runPipeline(config, photos, database);
  await writePipelineOutputs(result, join(outDir, 'pipeline'));
  const { runId } = storePipelineRun(store, result, { name: 'demo-pipeline', photos: 'datasets/sample (first 24)' });
  return store.getRun(runId);
}

/**
 * 200,000 accounts over a year (the CLI's default is a million; kept small for the demo), per-photo false matches
 * from the demo's FPR run (PDQ at distance 31 against a database of 10^6 hashes, by the effective-DoF fit: the
 * sample's ~10^4 pairs cannot measure rates this small), with and without intra-account correlation and bursts;
 * server costs from the demo's pipeline run.
 */
export function demoSimulation(store: RunStore, fprRunId: string, pipelineRunId: string): RunRecord {
  const fpr = photoFprFromRun(store, fprRunId, 'pdq', 31, 1_000_000, 'dof-fit');
  const base = {
    accounts: 200_000,
    photosPerYear: parseCountDistribution('lognormal:median=1825,sigma=1'),
    photoFpr: fpr.photoFpr,
    photoFprSource: fpr.source,
    tpr: 0.9,
    knownShare: 1e-4,
    knownPerAccount: parseCountDistribution('pareto:min=1,alpha=1'),
    accountThreshold: 30,
    syntheticRate: 0.02,
    dihedral: false,
    seed: 1,
    serverCost: serverCostFromRun(store, pipelineRunId),
  };
  const scenarios = [0, 0.01].flatMap((correlation) =>
    [1, 10].map((burst) => simulatePopulation({ ...base, correlation, burst })),
  );
  return store.getRun(storeSimulationRun(store, scenarios, 'demo-population'));
}
