// Pools of worker threads: one that processes a list of inputs and yields the outputs in input order, and one fed an
// input at a time (for work whose inputs appear while it runs).
// Used by batch hashing, the experiments and the PSI setups; the worker side is `serveWorker` in `worker-serve.ts`.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The URL of a module beside `fromUrl` (pass `import.meta.url`), with the extension the caller runs under:
 * .js when built, .ts from source under tsx or vitest.
 */
export function siblingModule(fromUrl: string, name: string): URL {
  return new URL(`./${name}${fromUrl.endsWith('.ts') ? '.ts' : '.js'}`, fromUrl);
}

/** Starts a worker; a .ts module first registers tsx's loader, which Node does not pass on to worker threads. */
export function startWorker(module: URL, workerData: unknown): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, { workerData });
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/** What travels between the pool and a worker. */
export interface PoolRequest<I> {
  readonly index: number;
  readonly input: I;
}
export interface PoolReply<O> {
  readonly index: number;
  readonly output?: O;
  readonly error?: string;
}

/**
 * Runs `inputs` through `jobs` workers started on `module` (which calls `serveWorker`), each given `workerData`,
 * and yields outputs in input order. A worker that throws fails the whole run with its message.
 */
export async function* orderedPool<I, O>(
  module: URL,
  workerData: unknown,
  inputs: readonly I[],
  jobs: number,
  onProgress?: (done: number, total: number) => void,
): AsyncGenerator<O> {
  const pool = queuedPool<I, O>(module, workerData, Math.min(jobs, inputs.length), 1);
  let finished = 0;
  const outputs = inputs.map((input) => {
    const output = pool.run(input).then((o) => {
      onProgress?.(++finished, inputs.length);
      return o;
    });
    // Rejections are taken where they are awaited, in order; this keeps later ones, and those rejected when a
    // consumer stops early and the pool closes, from being reported as unhandled.
    output.catch(() => undefined);
    return output;
  });
  try {
    for (const output of outputs) yield await output;
  } finally {
    await pool.close();
  }
}

/** A pool fed one input at a time (`run`), for work whose inputs are not all known when it starts. */
export interface QueuedPool<I, O> {
  /** Queues an input; resolves with its output, or rejects with the worker's error. */
  run(input: I): Promise<O>;
  /**
   * The most inputs posted to one worker and not yet answered: high while this thread is about to be busy (the
   * workers go on with what they hold), low for the end of a run (so that no worker is left with a long queue).
   */
  ahead: number;
  /** Stops the workers; inputs not yet answered are rejected. */
  close(): Promise<void>;
}

/** Starts `jobs` workers on `module` (which calls `serveWorker`), each given `workerData`, fed in queue order. */
export function queuedPool<I, O>(module: URL, workerData: unknown, jobs: number, ahead: number): QueuedPool<I, O> {
  interface Task {
    readonly input: I;
    readonly resolve: (output: O) => void;
    readonly reject: (error: Error) => void;
  }
  const queue: Task[] = [];
  let head = 0;
  const held = new Map<number, Task>();
  const workers = Array.from({ length: Math.max(1, jobs) }, () => ({
    worker: startWorker(module, workerData),
    held: 0,
  }));
  let nextIndex = 0;
  let failure: Error | undefined;
  const fail = (e: Error): void => {
    failure ??= e;
    for (const task of [...held.values(), ...queue.splice(head)]) task.reject(failure);
    held.clear();
  };
  const pump = (): void => {
    // Posted tasks are dropped from the front now and then: the queue is read from `head`, not shifted per task.
    if (head > 1024 && 2 * head > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    for (const w of workers)
      while (head < queue.length && w.held < pool.ahead) {
        const task = queue[head++]!;
        const request: PoolRequest<I> = { index: nextIndex++, input: task.input };
        held.set(request.index, task);
        w.held++;
        w.worker.postMessage(request);
      }
  };
  for (const w of workers) {
    w.worker.on('message', (reply: PoolReply<O>) => {
      w.held--;
      const task = held.get(reply.index);
      held.delete(reply.index);
      if (reply.error !== undefined) task?.reject(new Error(reply.error));
      else task?.resolve(reply.output as O);
      pump();
    });
    w.worker.on('error', fail);
  }
  const pool: QueuedPool<I, O> = {
    ahead,
    run: (input) =>
      new Promise<O>((resolve, reject) => {
        if (failure) return reject(failure);
        queue.push({ input, resolve, reject });
        pump();
      }),
    async close() {
      fail(new Error('worker pool closed'));
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
  return pool;
}
