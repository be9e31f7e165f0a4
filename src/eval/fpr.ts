// The false-positive experiment: hash every image (cached by content), report duplicates across groups, then build
// exact per-distance histograms of unrelated pairs (all of them, or a seeded sample) for every algorithm.
import { findCrossGroupDuplicates, type DuplicatePair } from '../dataset/duplicates.js';
import { fromHex } from '../hash/bits.js';
import { createHashers, decodeKey } from '../hash/hash-image.js';
import { siblingModule } from '../util/worker-pool.js';
import type { Hash } from '../hash/types.js';
import { dofOrProblem, type DofFit } from './dof-fit.js';
import { failedHashItems, type FailedItem } from './failed-items.js';
import { completeRun, prepareRun, storedShard, type ExperimentOptions } from './experiment.js';
import { hashUnit, type HashUnitInput, type HashUnitResult } from './hash-unit.js';
import { PDQ_DIHEDRAL_ROW, pdqDihedralHistogram } from './dihedral-fpr.js';
import { IMAGE_HISTOGRAM_LIMIT, imageHistograms, type ImageHistograms } from './image-histograms.js';
import { groupHashes } from './pair-distances.js';
import { unrelatedPairHistogram, type PairHistogram } from './pair-histogram.js';
import { DEFAULT_FLATTEN } from './robustness.js';
import { runItemUnits } from './run-loop.js';
import type { RunRecord, RunStore } from './store.js';

export interface FprConfig {
  readonly dataset: string;
  readonly algos: readonly string[];
  /** Enumerate all cross-group pairs up to this many; above it, sample this many with the seed. */
  readonly maxPairs: number;
  readonly seed: number;
  /** Keep pairs flagged as duplicates across groups (default: leave them out). */
  readonly keepDuplicates?: boolean;
  /** As in robustness runs: composite transparent images onto this colour (default white), or keep alpha (null). */
  readonly flattenAlpha?: string | null;
  /**
   * Leave out images whose hash quality is below this, for algorithms with a quality score (PDQ); Meta's tools use 50.
   * Absent in runs stored before it existed (no filter).
   */
  readonly minQuality?: number;
}

/** PDQ's quality filter as ThreatExchange's tools apply it: hashes of quality below 50 are not matched. */
export const DEFAULT_MIN_QUALITY = 50;

export interface AlgoFpr extends PairHistogram {
  readonly hashed: number;
  readonly dof: DofFit | null;
  /** Why there is no fit when the histogram cannot support one (too few pairs, no spread). */
  readonly dofProblem?: string;
  /**
   * Per-image histograms of the same pairs, for intervals that account for pairs sharing images (kept when every
   * pair was compared and there are at most IMAGE_HISTOGRAM_LIMIT images; absent in older runs).
   */
  readonly images?: ImageHistograms;
  /** Images left out by the quality filter (algorithms with a quality score), with the filter's threshold. */
  readonly lowQuality?: { readonly minQuality: number; readonly images: number };
}

export interface FprSummary {
  readonly items: number;
  /** Items that could not be hashed by every algorithm (absent in runs stored before it was recorded). */
  readonly failedItems?: readonly FailedItem[];
  readonly synthetic: boolean;
  readonly duplicates: readonly DuplicatePair[];
  readonly algos: Record<string, AlgoFpr>;
}

export const FPR_HASH_TABLE = 'hashes';

export function fprConfig(c: Partial<FprConfig> & Pick<FprConfig, 'dataset' | 'algos'>): FprConfig {
  createHashers(c.algos);
  return {
    dataset: c.dataset,
    algos: [...c.algos],
    maxPairs: c.maxPairs ?? 5_000_000,
    seed: c.seed ?? 1,
    keepDuplicates: c.keepDuplicates ?? false,
    flattenAlpha: c.flattenAlpha === undefined ? DEFAULT_FLATTEN : c.flattenAlpha,
    minQuality: c.minQuality ?? DEFAULT_MIN_QUALITY,
  };
}

/** Stores, without hashing, every item whose hashes for all algorithms are already in the store's cache. */
function fillFromCache(
  store: RunStore,
  runId: string,
  inputs: readonly HashUnitInput[],
  digests: ReadonlyMap<string, string>,
  algos: readonly string[],
  decode: string,
): void {
  const stored = store.resultKeys(runId, FPR_HASH_TABLE);
  const rows = [];
  for (const input of inputs) {
    if (stored.has(input.id)) continue;
    const cached = algos.map((a) => store.getCachedHash(digests.get(input.id)!, a, decode));
    if (cached.some((c) => !c)) continue;
    const value: HashUnitResult = Object.fromEntries(
      cached.map((c) => [c!.algo, c!.quality === null ? { hash: c!.hash } : { hash: c!.hash, quality: c!.quality }]),
    );
    rows.push({ key: input.id, value });
  }
  if (rows.length) store.putResults(runId, FPR_HASH_TABLE, rows);
}

function cacheNewHashes(store: RunStore, runId: string, digests: ReadonlyMap<string, string>, decode: string): void {
  const rows = store.getResults<HashUnitResult>(runId, FPR_HASH_TABLE).flatMap(({ key, value }) =>
    Object.entries(value)
      .filter(([, r]) => r.hash)
      .map(([algo, r]) => ({
        contentSha256: digests.get(key)!,
        algo,
        decode,
        hash: r.hash!,
        quality: r.quality ?? null,
      })),
  );
  store.putCachedHashes(rows);
}

export async function runFpr(
  config: FprConfig | undefined,
  options: ExperimentOptions,
): Promise<{ run: RunRecord; summary: FprSummary }> {
  const { run, config: cfg, dataset, digests } = await prepareRun('fpr', config, options);
  const { store } = options;
  return completeRun(store, run.id, async () => {
    const hashers = createHashers(cfg.algos);
    const shard = storedShard(store, run.id);
    const inputs: HashUnitInput[] = dataset.items.map((i) => ({ id: i.id, path: i.path }));
    const digestOf = new Map(dataset.items.map((item, k) => [item.id, digests[k]!]));
    const flattenAlpha = cfg.flattenAlpha ?? undefined;
    const decode = decodeKey({ flattenAlpha });
    fillFromCache(store, run.id, inputs, digestOf, cfg.algos, decode);
    await runItemUnits<HashUnitInput, HashUnitResult>(options, run.id, {
      table: FPR_HASH_TABLE,
      inputs,
      process: (i) => hashUnit(i, hashers, flattenAlpha),
      worker: { module: siblingModule(import.meta.url, 'hash-unit-worker'), data: { algos: cfg.algos, flattenAlpha } },
    });
    cacheNewHashes(store, run.id, digestOf, decode);

    let duplicates = store.getArtifact<DuplicatePair[]>(run.id, 'duplicates');
    if (!duplicates) {
      duplicates = await findCrossGroupDuplicates(dataset.items, digests);
      store.putArtifact(run.id, 'duplicates', duplicates);
    }

    const hashes = new Map(store.getResults<HashUnitResult>(run.id, FPR_HASH_TABLE).map((r) => [r.key, r.value]));
    const ordered = [...dataset.items].sort((a, b) =>
      a.group < b.group ? -1 : a.group > b.group ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    const summary: FprSummary = {
      items: dataset.items.length,
      failedItems: failedHashItems(dataset.items, hashes),
      synthetic: dataset.synthetic,
      duplicates,
      algos: {},
    };
    for (const hasher of hashers) {
      const minQuality = hasher.hasQuality ? (cfg.minQuality ?? 0) : 0;
      const hashed = ordered.filter((item) => hashes.get(item.id)?.[hasher.id]?.hash);
      const rows = hashed.filter((item) => (hashes.get(item.id)?.[hasher.id]?.quality ?? 100) >= minQuality);
      const groupIndex = new Map<string, number>();
      const grouped = groupHashes(
        rows.map((item): Hash => fromHex(hasher.id, hasher.nbits, hashes.get(item.id)![hasher.id]!.hash!)),
        rows.map((item) => groupIndex.get(item.group) ?? groupIndex.set(item.group, groupIndex.size).get(item.group)!),
      );
      const rowOf = new Map(rows.map((item, k) => [item.id, k]));
      const exclude = cfg.keepDuplicates
        ? []
        : duplicates
            .filter((d) => rowOf.has(d.a) && rowOf.has(d.b))
            .map((d) => [rowOf.get(d.a)!, rowOf.get(d.b)!] as const);
      const hist = await unrelatedPairHistogram(grouped, {
        maxPairs: cfg.maxPairs,
        seed: cfg.seed,
        jobs: options.jobs,
        exclude,
        blocks: { store, runId: run.id, table: `pairs:${hasher.id}`, shard },
      });
      summary.algos[hasher.id] = {
        ...hist,
        hashed: rows.length,
        ...dofOrProblem({ nbits: hist.nbits, counts: hist.counts }),
        ...(!hist.sampled && rows.length <= IMAGE_HISTOGRAM_LIMIT ? { images: imageHistograms(grouped, exclude) } : {}),
        ...(hasher.hasQuality ? { lowQuality: { minQuality, images: hashed.length - rows.length } } : {}),
      };
      if (hasher.id === 'pdq' && shard.count === 1) {
        const dihedral = await pdqDihedralHistogram(
          rows.map((item) => ({ id: item.id, path: item.path, group: groupIndex.get(item.group)! })),
          flattenAlpha,
          exclude,
        );
        if (dihedral)
          summary.algos[PDQ_DIHEDRAL_ROW] = {
            ...dihedral,
            ...dofOrProblem({ nbits: dihedral.nbits, counts: dihedral.counts }),
            lowQuality: { minQuality, images: hashed.length - rows.length },
          };
      }
    }
    store.putArtifact(run.id, 'summary', summary);
    return { run: store.getRun(run.id), summary };
  });
}
