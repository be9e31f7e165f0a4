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
  const workers = Array.from({ length: Math.max(1, Math.min(jobs, inputs.length)) }, () =>
    startWorker(module, workerData),
  );
  const done = new Map<number, O>();
  let next = 0;
  let finished = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const feed = (w: Worker): void => {
    if (next >= inputs.length) return;
    const request: PoolRequest<I> = { index: next, input: inputs[next]! };
    next++;
    w.postMessage(request);
  };
  for (const w of workers) {
    w.on('message', (reply: PoolReply<O>) => {
      if (reply.error !== undefined) failure = new Error(reply.error);
      else done.set(reply.index, reply.output as O);
      finished++;
      onProgress?.(finished, inputs.length);
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
    for (let i = 0; i < inputs.length; i++) {
      while (!done.has(i)) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const output = done.get(i)!;
      done.delete(i);
      yield output;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
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
  const held = new Map<number, Task>();
  const workers = Array.from({ length: Math.max(1, jobs) }, () => ({
    worker: startWorker(module, workerData),
    held: 0,
  }));
  let nextIndex = 0;
  let failure: Error | undefined;
  const fail = (e: Error): void => {
    failure ??= e;
    for (const task of [...held.values(), ...queue.splice(0)]) task.reject(failure);
    held.clear();
  };
  const pump = (): void => {
    for (const w of workers)
      while (queue.length > 0 && w.held < pool.ahead) {
        const task = queue.shift()!;
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
