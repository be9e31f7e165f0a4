// The demo: the main job end to end on the bundled sample. Hashes it with every algorithm (hashes.csv), runs the
// FPR and robustness experiments into a store in the output folder, and writes the report. Finished runs with the
// same configuration and dataset are reused and interrupted ones resumed, so running it again is cheap.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { datasetFingerprint, fileDigests } from '../dataset/fingerprint.js';
import { loadDataset } from '../dataset/load.js';
import { samplePath } from '../dataset/sample.js';
import { fprConfig, runFpr } from '../eval/fpr.js';
import { robustnessConfig, runRobustness } from '../eval/robustness.js';
import { DEFAULT_STORE, type RunRecord, type RunStore } from '../eval/store.js';
import { hashFiles } from '../hash/batch.js';
import { builtinAlgorithms } from '../hash/registry.js';
import { CSV_HEADER, formatRow } from '../hash/row-format.js';
import { buildReport } from '../report/build.js';
import { demoAttack, demoAttackConfig } from './attack-steps.js';
import { demoPipeline, demoSimulation } from './pipeline-steps.js';
import { demoInversion, demoInversionConfig, demoProtocolLeakage } from './leakage-steps.js';
import { loadReportInputs } from '../report/inputs.js';
import { writeReport } from '../report/write.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export const DEMO_ALGOS: readonly string[] = builtinAlgorithms();
export const DEMO_SEED = 1;
export const DEMO_STORE_NAME = DEFAULT_STORE;

export type DemoStage = 'hash' | 'fpr' | 'robustness' | 'report';

export interface DemoOptions {
  readonly outDir: string;
  readonly store: RunStore;
  readonly jobs?: number;
  readonly onProgress?: (stage: DemoStage, done: number, total: number) => void;
  /** One line per step: what is being done, reused or resumed. */
  readonly log?: (line: string) => void;
}

export type RunOutcome = 'reused' | 'resumed' | 'new';

export interface DemoResult {
  readonly paths: readonly string[];
  readonly hashesCsv: string;
  readonly hashes: 'reused' | 'new';
  readonly runs: readonly { readonly run: RunRecord; readonly outcome: RunOutcome }[];
}

/** JSON with object keys sorted, so that equal configurations compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Configuration identity without the dataset path (the fingerprint identifies the dataset wherever it lives). */
const configKey = (config: unknown): string => {
  const { dataset: _dataset, ...rest } = config as Record<string, unknown>;
  return canonical(rest);
};

/** The latest finished run of this kind, configuration and dataset, else the latest unfinished one (to resume). */
export function findReusableRun(
  store: RunStore,
  kind: string,
  config: unknown,
  fingerprint: string,
): RunRecord | undefined {
  const same = store
    .listRuns()
    .filter((r) => r.kind === kind && r.datasetHash === fingerprint && configKey(r.config) === configKey(config));
  return same.filter((r) => r.status === 'done').pop() ?? same.pop();
}

interface HashesKey {
  readonly fingerprint: string;
  readonly algos: readonly string[];
  /** The runs' `--flatten-alpha`, so that hashes.csv holds the hashes the report counts. */
  readonly flattenAlpha: string | null;
  /** The runs whose settings hashes.csv reproduces. */
  readonly runs: readonly string[];
}

/**
 * Writes hashes.csv in `scanlab hash` format with the runs' decoding settings, unless the one there was made from the
 * same dataset, algorithms, settings and runs; hashes-source.json beside it names them.
 */
async function writeHashes(
  files: readonly string[],
  root: string,
  outDir: string,
  key: HashesKey,
  options: DemoOptions,
): Promise<{ path: string; outcome: 'reused' | 'new' }> {
  const path = join(outDir, 'hashes.csv');
  const keyPath = join(outDir, 'hashes-source.json');
  const previous = await readFile(keyPath, 'utf8').catch(() => '');
  if (previous.trim() === canonical(key) && existsSync(path)) return { path, outcome: 'reused' };
  const rows = async function* (): AsyncGenerator<string> {
    yield CSV_HEADER + '\n';
    for await (const row of hashFiles(files, {
      algos: key.algos,
      jobs: options.jobs,
      flattenAlpha: key.flattenAlpha ?? undefined,
      onProgress: (d, t) => options.onProgress?.('hash', d, t),
    }))
      yield formatRow({ ...row, file: relative(root, row.file) }, 'csv') + '\n';
  };
  await writeFileAtomic(path, rows());
  await writeFileAtomic(keyPath, canonical(key) + '\n');
  return { path, outcome: 'new' };
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { store, outDir } = options;
  const log = options.log ?? ((): void => {});
  const dataset = samplePath();
  const loaded = await loadDataset(dataset);
  const fingerprint = datasetFingerprint(loaded, await fileDigests(loaded));
  const items = loaded.items.length;

  const runs: { run: RunRecord; outcome: RunOutcome }[] = [];
  const experiment = async <C>(
    kind: 'fpr' | 'robustness',
    config: C,
    what: string,
    run: (c: C | undefined, resume: string | undefined) => Promise<{ run: RunRecord }>,
  ): Promise<void> => {
    const previous = findReusableRun(store, kind, config, fingerprint);
    if (previous?.status === 'done') {
      log(`${kind}: reusing finished run ${previous.id}`);
      runs.push({ run: previous, outcome: 'reused' });
      return;
    }
    log(previous ? `${kind}: resuming run ${previous.id} (${what})` : `${kind}: ${what}`);
    const done = await run(previous ? undefined : config, previous?.id);
    log(`${kind}: run ${done.run.id} done`);
    runs.push({ run: done.run, outcome: previous ? 'resumed' : 'new' });
  };
  const jobs = options.jobs;
  const fpr = fprConfig({ dataset, algos: DEMO_ALGOS, seed: DEMO_SEED });
  await experiment('fpr', fpr, `all pairs of unrelated images among ${items}`, (c, resume) =>
    runFpr(c, { store, name: 'demo-fpr', jobs, resume, onProgress: (d, t) => options.onProgress?.('fpr', d, t) }),
  );
  const robustness = robustnessConfig({ dataset, algos: DEMO_ALGOS, seed: DEMO_SEED });
  await experiment(
    'robustness',
    robustness,
    `${items} images × ${robustness.transforms.length} transforms × ${DEMO_ALGOS.length} algorithms`,
    (c, resume) =>
      runRobustness(c, {
        store,
        name: 'demo-robustness',
        jobs,
        resume,
        onProgress: (d, t) => options.onProgress?.('robustness', d, t),
      }),
  );

  log(`hashing ${items} images of the bundled sample with ${DEMO_ALGOS.join(', ')} as the runs did`);
  const hashes = await writeHashes(
    loaded.items.map((i) => i.path),
    dirname(dirname(dataset)),
    outDir,
    { fingerprint, algos: DEMO_ALGOS, flattenAlpha: fpr.flattenAlpha ?? null, runs: runs.map((r) => r.run.id) },
    options,
  );
  log(`${hashes.outcome === 'reused' ? 'reused' : 'wrote'} ${hashes.path}`);

  log(
    'pipeline: 24 sample photos of 3 accounts through devices, relay, matcher, reviewer and 2 recipients (tpsi-ad, t = 3)',
  );
  const pipelineRun = await demoPipeline(
    store,
    loaded.items.map((i) => i.path),
    outDir,
  );
  runs.push({ run: pipelineRun, outcome: 'new' });
  const fprRun = runs.find((r) => r.run.kind === 'fpr');
  if (fprRun) {
    log('simulate: 200,000 accounts × one year, per-photo false matches from the FPR run, costs from the pipeline run');
    runs.push({ run: demoSimulation(store, fprRun.run.id, pipelineRun.id), outcome: 'new' });
  }

  const inversion = demoInversionConfig(dataset);
  log('leakage: PDQ and pHash inverted from the hash alone, re-identified among 10 and 100 candidates');
  const inverted = await demoInversion(
    store,
    inversion,
    outDir,
    findReusableRun(store, 'leakage-invert', inversion, fingerprint),
  );
  runs.push({ run: inverted.run, outcome: inverted.reused ? 'reused' : 'new' });
  log(
    'leakage: who learns what in plaintext, oprf-membership, ecdh-psi, tpsi-ad and the pipeline relay (16 session pairs each)',
  );
  runs.push({ run: await demoProtocolLeakage(store), outcome: 'new' });

  const attack = demoAttackConfig(dataset, outDir);
  log(
    'attack: pHash and PDQ collisions forced on 4 sample images (white box, at most 40 queries each), defences priced',
  );
  const attacked = await demoAttack(
    store,
    attack,
    fprRun?.run.id,
    findReusableRun(store, 'attack-collide', attack, fingerprint),
  );
  runs.push({ run: attacked.run, outcome: attacked.reused ? 'reused' : 'new' });

  log('writing the report (population-scale estimates, charts, tables)');
  options.onProgress?.('report', 0, 1);
  const ordered = [...runs].sort((a, b) => (a.run.kind === 'robustness' ? -1 : b.run.kind === 'robustness' ? 1 : 0));
  const report = buildReport(
    await loadReportInputs(
      store,
      ordered.map((r) => r.run.id),
    ),
    { title: 'scanlab demo: the bundled sample' },
  );
  const paths = await writeReport(report, outDir);
  options.onProgress?.('report', 1, 1);
  return { paths, hashesCsv: hashes.path, hashes: hashes.outcome, runs };
}
