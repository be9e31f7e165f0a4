// Hashing many files, in parallel across worker threads, yielding rows in input order; files go in groups to
// hashers that batch (the neural hasher), so they run one model batch per group, and the next group is decoded while
// the model (in a thread of its own) hashes one.
import { availableParallelism } from 'node:os';
import { canBatch, createHashers, hashFileGroup, type HashImageOptions, type HashRow } from './hash-image.js';
import type { Hasher } from './types.js';
import { orderedPool, siblingModule } from '../util/worker-pool.js';

export type { HashRow } from './hash-image.js';

export interface HashFilesOptions extends HashImageOptions {
  readonly algos: readonly string[];
  /** Worker threads (default: available cores); 1 hashes in this thread. */
  readonly jobs?: number;
  /** Files per group when an algorithm hashes in batches (default BATCH_FILES); otherwise one file at a time. */
  readonly batchFiles?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Files per model batch: most of the per-call overhead is gone by 16 images (bench/neural.ts batch sweep). */
export const BATCH_FILES = 16;

/**
 * Up to this many jobs, a run whose hashers all batch (neural) stays in this thread: sharp decodes and resizes in
 * libuv's threads, started from here, while onnxruntime runs the previous batch in the model's own thread, so two
 * cores are used without hashing workers, each of which would cost its own start-up (modules and an onnxruntime
 * session) and block its thread during its batches (see docs/neural.md).
 */
const BATCHING_JOBS_IN_THREAD = 2;

/** What each worker is started with. */
export interface WorkerConfig extends HashImageOptions {
  readonly algos: readonly string[];
}

/**
 * Hashes every file with every algorithm. Rows come in input order, one per file × algorithm (× dihedral variant);
 * a file that fails yields rows carrying its error. Unknown algorithms throw before any work starts.
 */
export async function* hashFiles(files: readonly string[], options: HashFilesOptions): AsyncGenerator<HashRow> {
  const hashers = createHashers(options.algos);
  const size = hashers.some(canBatch) ? Math.max(1, options.batchFiles ?? BATCH_FILES) : 1;
  const groups: string[][] = [];
  for (let i = 0; i < files.length; i += size) groups.push(files.slice(i, i + size));
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), groups.length));
  let done = 0;
  const inThread = jobs === 1 || (jobs <= BATCHING_JOBS_IN_THREAD && hashers.every(canBatch));
  const rowsInOrder = inThread ? hashHere(groups, hashers, options, jobs) : hashInWorkers(groups, options, jobs);
  for await (const [group, rows] of rowsInOrder) {
    yield* rows;
    done += group.length;
    options.onProgress?.(done, files.length);
  }
}

/** A hasher that can run its model in a worker thread of its own (the neural hasher). */
interface ModelThreadHasher extends Hasher {
  withModelThread(): Hasher;
}

const hasModelThread = (h: Hasher): h is ModelThreadHasher =>
  typeof (h as Partial<ModelThreadHasher>).withModelThread === 'function';

/**
 * Groups in this thread. With more than one job, each model runs in a worker thread of its own (onnxruntime-node
 * blocks the thread that runs it), `jobs` files of a group are read and decoded at a time, and the next group is
 * decoded and resized here (in sharp's threads) while the model runs a batch.
 * With one job everything runs in turn (overlapping on one core gains nothing, and on a loaded one it measured slower).
 */
async function* hashHere(
  groups: readonly string[][],
  hashers: readonly Hasher[],
  options: HashImageOptions,
  jobs: number,
): AsyncGenerator<[readonly string[], HashRow[]]> {
  const used = jobs > 1 ? hashers.map((h) => (hasModelThread(h) ? h.withModelThread() : h)) : hashers;
  const start = (i: number): Promise<HashRow[]> | undefined =>
    i < groups.length ? hashFileGroup(groups[i]!, used, options, jobs) : undefined; // never rejects
  let next = start(0);
  for (const [i, group] of groups.entries()) {
    const rows = next!;
    if (jobs > 1) next = start(i + 1);
    yield [group, await rows];
    if (jobs === 1) next = start(i + 1);
  }
}

async function* hashInWorkers(
  groups: readonly string[][],
  options: HashFilesOptions,
  jobs: number,
): AsyncGenerator<[readonly string[], HashRow[]]> {
  const config: WorkerConfig = {
    algos: options.algos,
    applyExifOrientation: options.applyExifOrientation,
    applyIccProfile: options.applyIccProfile,
    flattenAlpha: options.flattenAlpha,
    maxPixels: options.maxPixels,
    dihedral: options.dihedral,
    minQuality: options.minQuality,
  };
  let at = 0;
  for await (const rows of orderedPool<readonly string[], HashRow[]>(
    siblingModule(import.meta.url, 'batch-worker'),
    config,
    groups,
    jobs,
  ))
    yield [groups[at++]!, rows];
}
