// Hashing many files, in parallel across worker threads, yielding rows in input order.
import { availableParallelism } from 'node:os';
import { createHashers, hashFile, type HashImageOptions, type HashRow } from './hash-image.js';
import { orderedPool, siblingModule } from '../util/worker-pool.js';

export type { HashRow } from './hash-image.js';

export interface HashFilesOptions extends HashImageOptions {
  readonly algos: readonly string[];
  /** Worker threads (default: available cores); 1 hashes in this thread. */
  readonly jobs?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

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
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), files.length));
  if (jobs === 1) {
    for (let i = 0; i < files.length; i++) {
      yield* await hashFile(files[i]!, hashers, options);
      options.onProgress?.(i + 1, files.length);
    }
    return;
  }
  yield* hashInWorkers(files, options, jobs);
}

async function* hashInWorkers(
  files: readonly string[],
  options: HashFilesOptions,
  jobs: number,
): AsyncGenerator<HashRow> {
  const config: WorkerConfig = {
    algos: options.algos,
    applyExifOrientation: options.applyExifOrientation,
    applyIccProfile: options.applyIccProfile,
    flattenAlpha: options.flattenAlpha,
    maxPixels: options.maxPixels,
    dihedral: options.dihedral,
    minQuality: options.minQuality,
  };
  for await (const rows of orderedPool<string, HashRow[]>(
    siblingModule(import.meta.url, 'batch-worker'),
    config,
    files,
    jobs,
    options.onProgress,
  )) {
    yield* rows;
  }
}
