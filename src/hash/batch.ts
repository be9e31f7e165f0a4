// Hashing many files, in parallel across worker threads, yielding rows in input order.
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createHashers, hashFile, type HashImageOptions, type HashRow } from './hash-image.js';

export type { HashRow } from './hash-image.js';

export interface HashFilesOptions extends HashImageOptions {
  readonly algos: readonly string[];
  /** Worker threads (default: available cores); 1 hashes in this thread. */
  readonly jobs?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Messages between the pool and its workers. */
export interface WorkerRequest {
  readonly index: number;
  readonly file: string;
}
export interface WorkerReply {
  readonly index: number;
  readonly rows: HashRow[];
}
export interface WorkerConfig extends HashImageOptions {
  readonly algos: readonly string[];
}

/**
 * Starts a worker on a module next to this one. Built, that is a .js file; from source (tsx, vitest) it is
 * a .ts file, so the worker first registers tsx's loader, which Node does not pass on to workers by itself.
 */
function startWorker(name: string, workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url), { workerData });
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const target = new URL(`./${name}.ts`, import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(boot, { eval: true, workerData });
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

async function* hashInWorkers(files: readonly string[], options: HashFilesOptions, jobs: number): AsyncGenerator<HashRow> {
  const config: WorkerConfig = {
    algos: options.algos,
    applyExifOrientation: options.applyExifOrientation,
    maxPixels: options.maxPixels,
    dihedral: options.dihedral,
  };
  const workers = Array.from({ length: jobs }, () => startWorker('batch-worker', config));
  const done = new Map<number, HashRow[]>();
  let next = 0;
  let finished = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const feed = (w: Worker): void => {
    if (next < files.length) {
      const request: WorkerRequest = { index: next, file: files[next]! };
      next++;
      w.postMessage(request);
    }
  };
  for (const w of workers) {
    w.on('message', (reply: WorkerReply) => {
      done.set(reply.index, reply.rows);
      finished++;
      options.onProgress?.(finished, files.length);
      feed(w);
      notify();
    });
    w.on('error', (e) => {
      failure = e;
      notify();
    });
    feed(w);
  }
  try {
    for (let i = 0; i < files.length; i++) {
      while (!done.has(i)) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const rows = done.get(i)!;
      done.delete(i);
      yield* rows;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
