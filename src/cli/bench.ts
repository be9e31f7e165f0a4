// `scanlab bench robustness|fpr`: run the evaluation experiments into the run store and print their summaries.
import type { Command } from 'commander';
import { formatProportion } from '../eval/binomial.js';
import { runFpr, fprConfig, type FprSummary } from '../eval/fpr.js';
import { countAtMost, mean, total } from '../eval/histogram.js';
import { clopperPearson } from '../eval/binomial.js';
import { robustnessConfig, runRobustness } from '../eval/robustness.js';
import type { RobustnessSummary } from '../eval/robustness-summary.js';
import { builtinAlgorithms } from '../hash/registry.js';
import { parseTransformList } from '../transform/defaults.js';
import { thresholdFor } from '../eval/thresholds.js';
import { describeFailures, type FailedItem } from '../eval/failed-items.js';
import { PartialFailure, UsageError } from './errors.js';
import { parseAlgos, parseJobs, parseThresholdsOption } from './options.js';
import { runAction } from './run-action.js';
import { addStoreOption } from './store-option.js';
import { addShardOption } from './shard-option.js';
import { runStoredExperiment } from './stored-run.js';
import { formatTable } from '../util/table.js';

export const DEFAULT_BENCH_ALGOS = builtinAlgorithms();

interface CommonOptions {
  dataset?: string;
  algo?: string;
  name?: string;
  seed: string;
  jobs?: string;
  store: string;
  resume?: string;
  json?: boolean;
  thresholds?: string;
  flattenAlpha: string;
  shard?: string;
}

/** `--flatten-alpha rrggbb|none`: the colour transparent images are composited onto, or null to keep alpha. */
function parseFlatten(text: string): string | null {
  if (text === 'none') return null;
  if (!/^[0-9a-fA-F]{6}$/.test(text)) throw new UsageError(`--flatten-alpha must be rrggbb or none, not "${text}"`);
  return text.toLowerCase();
}

function parseSeed(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new UsageError(`--seed must be an integer, not "${text}"`);
  return n;
}

/** Names every item an experiment could not use on stderr; the run then ends with exit status 1. */
function reportFailures(kind: string, runId: string, items: number, failed: readonly FailedItem[]): void {
  const lines = describeFailures(kind, items, failed);
  if (lines.length === 0) return;
  for (const line of lines) process.stderr.write(`scanlab: ${line}\n`);
  throw new PartialFailure(`run ${runId} is stored with the real n; \`scanlab runs show ${runId}\` lists the failures`);
}

function requireDataset(o: CommonOptions): string {
  if (!o.dataset && !o.resume) throw new UsageError('--dataset PATH is required (or --resume RUN)');
  return o.dataset ?? '';
}

export function robustnessTable(summary: RobustnessSummary, thresholds: Record<string, number>): string {
  const rows = [['algo', 'transform', 'tau', 'TPR [95% CI]', 'mean d', `recall@P${summary.retrievalPrecision}`]];
  for (const [algo, a] of Object.entries(summary.algos)) {
    const tau = thresholdFor(algo, thresholds);
    for (const [t, h] of [['(all)', a.overall] as const, ...Object.entries(a.perTransform)]) {
      const n = total(h);
      if (n === 0) continue;
      const r = t === '(all)' ? undefined : a.retrieval[t];
      rows.push([
        algo,
        t,
        String(tau),
        formatProportion(clopperPearson(countAtMost(h, tau), n)),
        mean(h).toFixed(1),
        r ? r.recall.toFixed(3) : '',
      ]);
    }
  }
  return formatTable(rows);
}

export function fprTable(summary: FprSummary, thresholds: Record<string, number>): string {
  const rows = [['algo', 'pairs', 'sampled', 'tau', 'FPR [95% CI]', 'DoF N', 'p', 'KS']];
  for (const [algo, a] of Object.entries(summary.algos)) {
    const tau = thresholdFor(algo, thresholds);
    const n = total(a);
    rows.push([
      algo,
      String(n),
      a.sampled ? 'yes' : 'no',
      String(tau),
      n ? formatProportion(clopperPearson(countAtMost(a, tau), n)) : 'n/a',
      a.dof ? a.dof.dof.toFixed(1) : a.dofProblem ? 'no fit' : '',
      a.dof ? a.dof.p.toFixed(3) : '',
      a.dof ? a.dof.ks.toFixed(3) : '',
    ]);
  }
  return formatTable(rows);
}

async function robustnessCommand(o: CommonOptions & { transforms?: string }): Promise<void> {
  const dataset = requireDataset(o);
  const jobs = parseJobs(o.jobs);
  const thresholds = parseThresholdsOption(o.thresholds);
  const config = o.resume
    ? undefined
    : robustnessConfig({
        dataset,
        algos: o.algo ? parseAlgos(o.algo) : DEFAULT_BENCH_ALGOS,
        transforms: o.transforms ? parseTransformList(o.transforms).map((t) => t.spec) : undefined,
        seed: parseSeed(o.seed),
        flattenAlpha: parseFlatten(o.flattenAlpha),
      });
  await runStoredExperiment(
    o,
    { label: 'robustness', jobs },
    (options) => runRobustness(config, options),
    ({ run, summary }) => {
      if (o.json) process.stdout.write(JSON.stringify({ run: run.id, summary }) + '\n');
      else
        process.stdout.write(
          `run ${run.id} (robustness, ${summary.items - summary.failedItems.length} of ${summary.items} images, ${summary.transforms.length} transforms)\n${robustnessTable(summary, thresholds)}`,
        );
      reportFailures('robustness', run.id, summary.items, summary.failedItems);
    },
  );
}

async function fprCommand(
  o: CommonOptions & { maxPairs?: string; keepDuplicates?: boolean; minQuality?: string },
): Promise<void> {
  const dataset = requireDataset(o);
  const jobs = parseJobs(o.jobs);
  const thresholds = parseThresholdsOption(o.thresholds);
  const maxPairs = o.maxPairs === undefined ? undefined : Number(o.maxPairs);
  if (maxPairs !== undefined && !(o.maxPairs!.trim() !== '' && Number.isInteger(maxPairs) && maxPairs > 0))
    throw new UsageError(`--max-pairs must be a positive integer, not "${o.maxPairs}"`);
  const minQuality = o.minQuality === undefined ? undefined : Number(o.minQuality);
  if (minQuality !== undefined && !(o.minQuality!.trim() !== '' && minQuality >= 0 && minQuality <= 100))
    throw new UsageError(`--min-quality must be a number from 0 to 100, not "${o.minQuality}"`);
  const config = o.resume
    ? undefined
    : fprConfig({
        dataset,
        algos: o.algo ? parseAlgos(o.algo) : DEFAULT_BENCH_ALGOS,
        maxPairs,
        seed: parseSeed(o.seed),
        keepDuplicates: o.keepDuplicates,
        flattenAlpha: parseFlatten(o.flattenAlpha),
        minQuality,
      });
  await runStoredExperiment(
    o,
    { label: 'hashing', jobs },
    (options) => runFpr(config, options),
    ({ run, summary }) => {
      const failed = summary.failedItems ?? [];
      if (o.json) process.stdout.write(JSON.stringify({ run: run.id, summary }) + '\n');
      else {
        const dups = summary.duplicates.length
          ? `${summary.duplicates.length} duplicate pair(s) across groups ${summary.duplicates.length && !config?.keepDuplicates ? 'left out' : 'kept'}\n`
          : 'no duplicates across groups\n';
        const problems = Object.entries(summary.algos)
          .filter(([, a]) => a.dofProblem)
          .map(([algo, a]) => `${algo}: no DoF fit: ${a.dofProblem}\n`)
          .join('');
        process.stdout.write(
          `run ${run.id} (fpr, ${summary.items - failed.length} of ${summary.items} images${summary.synthetic ? ', SYNTHETIC' : ''})\n${dups}${fprTable(summary, thresholds)}${problems}`,
        );
      }
      reportFailures('fpr', run.id, summary.items, failed);
    },
  );
}

function common(cmd: Command): Command {
  return addStoreOption(cmd)
    .option('--dataset <path>', 'dataset: a folder (subfolders = near-duplicate groups) or a manifest.json')
    .option('--algo <list>', `comma-separated algorithms (default ${DEFAULT_BENCH_ALGOS.join(',')})`)
    .option('--name <name>', 'a name for the run')
    .option('--seed <n>', 'seed for every random choice', '1')
    .option('--jobs <n>', 'parallel workers (default: number of cores)')
    .option('--resume <run>', 'continue an interrupted run (its stored configuration is used)')
    .option('--thresholds <list>', 'operating thresholds (Hamming distances) for the summary, e.g. pdq=31,phash=8')
    .option(
      '--flatten-alpha <colour>',
      'composite transparent images onto rrggbb before hashing, or "none" to keep alpha',
      'ffffff',
    )
    .option('--json', 'print the summary as JSON');
}

export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('run evaluation experiments into the run store');
  addShardOption(
    common(
      bench
        .command('robustness')
        .description('distance between each image and its edited copies, per transform and algorithm'),
    ),
  )
    .option(
      '--transforms <list>',
      'transform specs separated by commas or spaces, "default" for the standard set (see docs/transforms.md)',
    )
    .action(runAction(robustnessCommand));
  addShardOption(
    common(bench.command('fpr').description('distances between all (or a sample of) pairs of unrelated images')),
  )
    .option('--max-pairs <n>', 'enumerate all pairs up to N, sample N above (default 5000000)')
    .option('--keep-duplicates', 'keep pairs of duplicate images across groups (default: leave them out)')
    .option(
      '--min-quality <q>',
      'leave out images whose PDQ quality is below q, as ThreatExchange does (default 50; 0 keeps all)',
    )
    .action(runAction(fprCommand));
}
