// The resumable work loop shared by experiments: skip units already stored, process the rest (in workers when
// jobs > 1), and commit results in batches so that a killed run loses at most one batch.
import { orderedPool } from '../util/worker-pool.js';
import type { ExperimentOptions } from './experiment.js';
import type { ResultRow, RunStore } from './store.js';

export interface WorkLoop<I, O> {
  readonly store: RunStore;
  readonly runId: string;
  /** Result table the units' outputs go to; a unit's key is `keyOf(input)`. */
  readonly table: string;
  readonly inputs: readonly I[];
  readonly keyOf: (input: I) => string;
  /** In-process processing, used when jobs = 1. */
  readonly process: (input: I) => Promise<O>;
  /** Worker module (serving the same processing) and its start-up data, used when jobs > 1. */
  readonly worker: { readonly module: URL; readonly data: unknown };
  readonly jobs: number;
  readonly batchSize?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Runs the units not yet stored; returns how many were processed now. */
export async function runWorkLoop<I, O>(loop: WorkLoop<I, O>): Promise<number> {
  const stored = loop.store.resultKeys(loop.runId, loop.table);
  const todo = loop.inputs.filter((i) => !stored.has(loop.keyOf(i)));
  const total = loop.inputs.length;
  const batchSize = loop.batchSize ?? 16;
  let batch: ResultRow[] = [];
  let done = total - todo.length;
  const flush = (): void => {
    if (batch.length > 0) loop.store.putResults(loop.runId, loop.table, batch);
    batch = [];
  };
  loop.onProgress?.(done, total);
  const outputs =
    loop.jobs > 1 && todo.length > 1
      ? orderedPool<I, O>(loop.worker.module, loop.worker.data, todo, loop.jobs)
      : (async function* () {
          for (const input of todo) yield await loop.process(input);
        })();
  let k = 0;
  for await (const output of outputs) {
    batch.push({ key: loop.keyOf(todo[k++]!), value: output });
    done++;
    loop.onProgress?.(done, total);
    if (batch.length >= batchSize) flush();
  }
  flush();
  return todo.length;
}

/** An experiment's units, keyed by item id, through the work loop with the experiment's jobs (default 1) and progress. */
export function runItemUnits<I extends { readonly id: string }, O>(
  options: ExperimentOptions,
  runId: string,
  loop: Pick<WorkLoop<I, O>, 'table' | 'inputs' | 'process' | 'worker' | 'batchSize'>,
): Promise<number> {
  return runWorkLoop<I, O>({
    ...loop,
    store: options.store,
    runId,
    keyOf: (i) => i.id,
    jobs: options.jobs ?? 1,
    onProgress: options.onProgress,
  });
}
