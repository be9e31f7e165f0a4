// Joining the shards of one logical run (`scanlab runs merge`): same kind, config, seed and dataset fingerprint,
// rows copied as stored, idempotent (merging again, or overlapping shards, changes nothing), summary recomputed.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { datasetFingerprint, fileDigests } from '../dataset/fingerprint.js';
import { loadDataset } from '../dataset/load.js';
import type { Dataset } from '../dataset/types.js';
import type { Shard } from '../util/shard.js';
import { SHARD_ARTIFACT, storedShard } from './experiment.js';
import { runFpr } from './fpr.js';
import { storeRobustnessSummary, type RobustnessConfig } from './robustness.js';
import { StoreError, type RunRecord, type RunStore } from './store.js';

/** Recomputes a merged run's summary from its rows. */
export type Resummarise = (store: RunStore, run: RunRecord, dataset: Dataset) => Promise<void> | void;

/** How runs of one kind merge: their summary, and whether two shards' copies of a row must be byte-identical. */
export interface MergeRule {
  readonly summarise: Resummarise;
  /**
   * Rows carry measurements of the machine (e.g. seconds per image), so overlapping shards hold different bytes for
   * the same key: the row merged first is kept. Otherwise a differing copy means the shards computed different
   * runs, and the merge is refused.
   */
  readonly rowsCarryTimings?: boolean;
}

/** The kinds of run that shard and merge in this layer; layers above add theirs (attacks) through `mergeRuns`. */
export const MERGE_RULES: Readonly<Record<string, MergeRule>> = {
  robustness: {
    summarise: (store, run, dataset) => {
      storeRobustnessSummary(store, run.id, run.config as RobustnessConfig, dataset);
    },
  },
  // Every shard hashed every image and stored its blocks of the pair matrix: resuming the merged run as a whole
  // finds all of it stored, adds the blocks and summarises.
  fpr: {
    summarise: async (store, run) => {
      await runFpr(undefined, { store, resume: run.id });
    },
  },
};

/** What a merged run records about the shards it joins. */
export interface MergedShards {
  readonly identity: string;
  readonly count: number;
  readonly shards: readonly { readonly index: number; readonly run: string; readonly status: string }[];
}

export const MERGED_ARTIFACT = 'merged';

export interface MergeReport {
  readonly run: RunRecord;
  readonly count: number;
  readonly covered: readonly number[];
  readonly missing: readonly number[];
  /** Rows newly written into the target by this merge (0 when merging again). */
  readonly rowsAdded: number;
  readonly complete: boolean;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** The identity of a logical run: its kind, configuration, seed and dataset fingerprint (never the shard). */
export function runIdentity(run: RunRecord): string {
  const text = JSON.stringify(
    canonical({ kind: run.kind, config: run.config, seed: run.seed, dataset: run.datasetHash }),
  );
  return bytesToHex(sha256(utf8ToBytes(text)));
}

interface SourceShard {
  readonly store: RunStore;
  readonly run: RunRecord;
  readonly shard: Shard;
  readonly covers: readonly { readonly index: number; readonly run: string; readonly status: string }[];
}

function describeSource(store: RunStore, run: RunRecord): SourceShard {
  const merged = store.getArtifact<MergedShards>(run.id, MERGED_ARTIFACT);
  if (merged) return { store, run, shard: { index: 0, count: merged.count }, covers: merged.shards };
  const shard = storedShard(store, run.id);
  return { store, run, shard, covers: [{ index: shard.index, run: run.id, status: run.status }] };
}

function findTarget(into: RunStore, identity: string): RunRecord | undefined {
  return into.listRuns().find((r) => into.getArtifact<MergedShards>(r.id, MERGED_ARTIFACT)?.identity === identity);
}

async function checkedDataset(run: RunRecord): Promise<Dataset> {
  const path = (run.config as { dataset?: unknown } | null)?.dataset;
  if (typeof path !== 'string') throw new StoreError(`run ${run.id} names no dataset to summarise the merged run with`);
  const dataset = await loadDataset(path);
  if (datasetFingerprint(dataset, await fileDigests(dataset)) !== run.datasetHash)
    throw new StoreError(
      `the dataset at ${path} differs from the one the shards ran on (fingerprint); cannot summarise`,
    );
  return dataset;
}

/**
 * Merges every run held in `sources` into `into`. All runs must be shards (or earlier merges) of one logical run
 * with the same shard count; anything else is refused before the target is written.
 */
export async function mergeRuns(
  sources: readonly RunStore[],
  into: RunStore,
  rules: Readonly<Record<string, MergeRule>> = MERGE_RULES,
): Promise<MergeReport> {
  const parts = sources.flatMap((store) => store.listRuns().map((run) => describeSource(store, run)));
  if (parts.length === 0) throw new StoreError('the stores to merge hold no runs');
  const first = parts[0]!;
  const identity = runIdentity(first.run);
  for (const p of parts) {
    if (runIdentity(p.run) !== identity)
      throw new StoreError(
        `run ${p.run.id} in ${p.store.path} is not a shard of the same run as ${first.run.id} in ${first.store.path} ` +
          '(kind, config, seed or dataset differ); refusing to merge',
      );
    if (p.shard.count !== first.shard.count)
      throw new StoreError(
        `run ${p.run.id} in ${p.store.path} was split into ${p.shard.count} shards, ${first.run.id} into ${first.shard.count}`,
      );
  }
  const rule = rules[first.run.kind];
  if (!rule)
    throw new StoreError(`${first.run.kind} runs cannot be merged (shardable kinds: ${Object.keys(rules).join(', ')})`);
  const count = first.shard.count;
  const earliest = parts.map((p) => p.run).reduce((a, b) => (b.startedAt < a.startedAt ? b : a));
  const target =
    findTarget(into, identity) ??
    into.insertRun({
      id: `${earliest.id.slice(0, 15)}-${identity.slice(0, 6)}`,
      kind: first.run.kind,
      name: first.run.name,
      config: first.run.config,
      seed: first.run.seed ?? undefined,
      datasetHash: first.run.datasetHash ?? undefined,
      provenance: earliest.provenance,
      startedAt: earliest.startedAt,
    });

  let rowsAdded = 0;
  for (const p of parts) {
    for (const table of p.store.resultTables(p.run.id)) {
      const rows = p.store.rawResults(p.run.id, table);
      const before = into.resultKeys(target.id, table).size;
      const conflict = into.putRawResults(target.id, table, rows, rule.rowsCarryTimings ? 'keep-first' : 'identical');
      if (conflict !== null)
        throw new StoreError(
          `run ${p.run.id} in ${p.store.path} disagrees with the merged rows on ${table}/${conflict}; the shards did not compute the same run`,
        );
      rowsAdded += into.resultKeys(target.id, table).size - before;
    }
    for (const key of p.store.listArtifacts(p.run.id)) {
      if (key === 'summary' || key === SHARD_ARTIFACT || key === MERGED_ARTIFACT) continue;
      if (into.getArtifact(target.id, key) === undefined)
        into.putArtifact(target.id, key, p.store.getArtifact(p.run.id, key));
    }
    into.putCachedHashes(p.store.allCachedHashes());
  }

  const previous = into.getArtifact<MergedShards>(target.id, MERGED_ARTIFACT)?.shards ?? [];
  const byIndex = new Map(previous.map((s) => [s.index, s]));
  for (const p of parts) for (const c of p.covers) if (byIndex.get(c.index)?.status !== 'done') byIndex.set(c.index, c);
  const shards = [...byIndex.values()].sort((a, b) => a.index - b.index);
  into.putArtifact(target.id, MERGED_ARTIFACT, { identity, count, shards } satisfies MergedShards);

  const covered = shards.filter((s) => s.status === 'done').map((s) => s.index);
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !covered.includes(i));
  const merged = into.getRun(target.id);
  // A partial merge has no summary: an FPR summary would need the missing shards' blocks of the pair matrix.
  if (missing.length === 0) await rule.summarise(into, merged, await checkedDataset(merged));
  into.setStatus(target.id, missing.length === 0 ? 'done' : 'running');
  return { run: into.getRun(target.id), count, covered, missing, rowsAdded, complete: missing.length === 0 };
}
