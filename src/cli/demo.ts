// `scanlab demo` (`npm run demo`): the main job end to end on the bundled sample, ending with the report's path.
import type { Command } from 'commander';
import { join } from 'node:path';
import { RunStore } from '../eval/store.js';
import { DEMO_STORE_NAME, runDemo, type DemoStage } from '../demo/demo.js';
import { makeDir } from '../util/make-dir.js';
import { parseJobs } from './options.js';
import { createProgress, type Progress } from './progress.js';
import { runAction } from './run-action.js';

interface DemoCommandOptions {
  out: string;
  jobs?: string;
  store?: string;
}

const LABELS: Record<DemoStage, string> = {
  hash: 'hashing',
  fpr: 'fpr: hashing',
  robustness: 'robustness',
  report: 'report',
};

async function demoCommand(o: DemoCommandOptions): Promise<void> {
  const jobs = parseJobs(o.jobs);
  await makeDir(o.out);
  const storePath = o.store ?? join(o.out, DEMO_STORE_NAME);
  const store = RunStore.open(storePath);
  const started = Date.now();
  let stage: DemoStage | undefined;
  let progress: Progress | undefined;
  try {
    const result = await runDemo({
      outDir: o.out,
      store,
      jobs,
      log: (line) => {
        progress?.finish();
        process.stderr.write(`demo: ${line}\n`);
      },
      onProgress: (s, done, total) => {
        if (s !== stage) {
          progress?.finish();
          stage = s;
          progress = createProgress(LABELS[s]);
        }
        progress!.update(done, total);
      },
    });
    progress?.finish();
    process.stderr.write(
      `demo: done in ${((Date.now() - started) / 1000).toFixed(0)} s with ${jobs} worker(s); runs in ${storePath}\n`,
    );
    process.stdout.write(result.paths[0] + '\n');
  } finally {
    store.close();
  }
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'hash the bundled sample, run the robustness and FPR experiments on it, and write a report (reuses finished runs)',
    )
    .option('--out <dir>', 'output folder', join('reports', 'demo'))
    .option('--jobs <n>', 'parallel workers (default: number of cores)')
    .option('--store <file>', `run store (default <out>/${DEMO_STORE_NAME})`)
    .action(runAction(demoCommand));
}
