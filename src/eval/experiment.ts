// What every experiment run shares: loading its dataset with a fingerprint, creating or resuming its run record,
// and marking it done or failed.
import { resolve } from 'node:path';
import { datasetFingerprint, fileDigests } from '../dataset/fingerprint.js';
import { loadDataset } from '../dataset/load.js';
import type { Dataset } from '../dataset/types.js';
import type { Shard } from '../util/shard.js';
import { MODEL_CARDS_ARTIFACT, modelCardRecords } from './model-cards.js';
import { StoreError, type RunRecord, type RunStore } from './store.js';

export interface ExperimentOptions {
  readonly store: RunStore;
  readonly name?: string;
  readonly jobs?: number;
  /** Continue this run instead of starting a new one; its stored config is used. */
  readonly resume?: string;
  readonly onProgress?: (done: number, total: number) => void;
  /** Do only this shard's part of the run (`scanlab runs merge` joins the shards' stores). */
  readonly shard?: Shard;
}

/** The artifact naming the shard a run covers; absent for a whole run. */
export const SHARD_ARTIFACT = 'shard';

/** The shard a stored run covers, or the whole run (shard 0 of 1). */
export function storedShard(store: RunStore, runId: string): Shard {
  return store.getArtifact<Shard>(runId, SHARD_ARTIFACT) ?? { index: 0, count: 1 };
}

export interface PreparedRun<C> {
  readonly run: RunRecord;
  readonly config: C;
  readonly dataset: Dataset;
  readonly digests: readonly string[];
}

/**
 * Loads the dataset of a new or resumed run. A resumed run must be of the same kind and its dataset unchanged
 * (same fingerprint), or results would mix two datasets.
 */
export async function prepareRun<C extends { readonly dataset: string; readonly seed: number }>(
  kind: string,
  config: C | undefined,
  options: ExperimentOptions,
): Promise<PreparedRun<C>> {
  const previous = options.resume ? options.store.getRun(options.resume) : undefined;
  if (previous && previous.kind !== kind)
    throw new StoreError(`run ${previous.id} is a ${previous.kind} run, not ${kind}`);
  const effective = (previous?.config as C | undefined) ?? config;
  if (!effective) throw new StoreError(`a ${kind} run needs a configuration or --resume RUN`);
  const withPath = { ...effective, dataset: resolve(effective.dataset) };
  const dataset = await loadDataset(withPath.dataset);
  const digests = await fileDigests(dataset);
  const fingerprint = datasetFingerprint(dataset, digests);
  if (previous && previous.datasetHash !== fingerprint) {
    throw new StoreError(
      `the dataset of run ${previous.id} has changed since it started (fingerprint differs); start a new run`,
    );
  }
  // Read before the run exists, so that an unusable model card fails the command without leaving a run behind.
  const algos = (withPath as { readonly algos?: unknown }).algos;
  const cards = !previous && Array.isArray(algos) ? modelCardRecords(algos.map(String)) : [];
  const run =
    previous ??
    options.store.createRun({
      kind,
      name: options.name,
      config: withPath,
      seed: withPath.seed,
      datasetHash: fingerprint,
    });
  if (previous) {
    const stored = storedShard(options.store, previous.id);
    if (options.shard && (options.shard.index !== stored.index || options.shard.count !== stored.count))
      throw new StoreError(
        `run ${previous.id} is shard ${stored.index}/${stored.count}, not ${options.shard.index}/${options.shard.count}`,
      );
    options.store.setStatus(run.id, 'running');
  } else {
    if (options.shard && options.shard.count > 1) options.store.putArtifact(run.id, SHARD_ARTIFACT, options.shard);
    if (cards.length > 0) options.store.putArtifact(run.id, MODEL_CARDS_ARTIFACT, cards);
  }
  return { run, config: withPath, dataset, digests };
}

/** Runs the body, marking the run done on success and failed (then rethrowing) on error. */
export async function completeRun<T>(store: RunStore, runId: string, body: () => Promise<T>): Promise<T> {
  try {
    const out = await body();
    store.setStatus(runId, 'done');
    return out;
  } catch (e) {
    store.setStatus(runId, 'failed');
    throw e;
  }
}
