// Hashing many files, in parallel across worker threads, yielding rows in input order; files go in groups to
// hashers that batch (the neural hasher), so they run one model batch per group.
import { availableParallelism } from 'node:os';
import { canBatch, createHashers, hashFileGroup, type HashImageOptions, type HashRow } from './hash-image.js';
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
  const rowsInOrder = jobs === 1 ? hashHere(groups, hashers, options) : hashInWorkers(groups, options, jobs);
  for await (const [group, rows] of rowsInOrder) {
    yield* rows;
    done += group.length;
    options.onProgress?.(done, files.length);
  }
}

async function* hashHere(
  groups: readonly string[][],
  hashers: ReturnType<typeof createHashers>,
  options: HashImageOptions,
): AsyncGenerator<[readonly string[], HashRow[]]> {
  for (const group of groups) yield [group, await hashFileGroup(group, hashers, options)];
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
