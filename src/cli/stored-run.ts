// What every command that runs a stored experiment shares: open the store, run with the common options (--name,
// --jobs, --resume, --shard, progress on stderr), hand the result to the command's output, close the store.
import type { ExperimentOptions } from '../eval/experiment.js';
import { RunStore } from '../eval/store.js';
import { createProgress } from './progress.js';
import { shardFromOption } from './shard-option.js';

/** The parsed command-line options a stored experiment reads. */
export interface StoredRunOptions {
  readonly store: string;
  readonly name?: string;
  readonly resume?: string;
  readonly shard?: string;
}

/**
 * Runs `experiment` against the store named by `o.store` with the common options, then `output` with its result
 * while the store is still open; the store is closed whatever happens.
 */
export async function runStoredExperiment<R>(
  o: StoredRunOptions,
  settings: { readonly label: string; readonly jobs: number },
  experiment: (options: ExperimentOptions) => Promise<R>,
  output: (result: R, store: RunStore) => void | Promise<void>,
): Promise<void> {
  const store = RunStore.open(o.store);
  const progress = createProgress(settings.label);
  try {
    const result = await experiment({
      store,
      name: o.name,
      jobs: settings.jobs,
      resume: o.resume,
      shard: shardFromOption(o.shard),
      onProgress: (d, t) => progress.update(d, t),
    });
    progress.finish();
    await output(result, store);
  } finally {
    store.close();
  }
}
