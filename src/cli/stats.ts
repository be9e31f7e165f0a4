// `scanlab stats population`: per-photo and per-account false-flag rates from a stored FPR run.
import type { Command } from 'commander';
import { formatProportion } from '../eval/binomial.js';
import type { FprSummary } from '../eval/fpr.js';
import type { RobustnessSummary } from '../eval/robustness-summary.js';
import { rocReport, type RocReport } from '../eval/roc-report.js';
import { populationReport, type PopulationReport } from '../eval/population-report.js';
import { RunStore, StoreError } from '../eval/store.js';
import { UsageError } from './errors.js';
import { runAction } from './run-action.js';
import { addStoreOption } from './store-option.js';

interface PopulationOptions {
  store: string;
  fprRun: string;
  algo: string;
  threshold: string;
  dbSize: string;
  photosPerYear: string;
  accountThreshold: string;
  target?: string;
  json?: boolean;
}

function positive(name: string, text: string | undefined, integer: boolean): number {
  const n = Number(text);
  if (text === undefined || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `--${name} must be a ${integer ? 'non-negative integer' : 'non-negative number'}, not "${text}"`,
    );
  }
  return n;
}

const sci = (x: number): string => (x === 0 ? '0' : x >= 0.001 ? x.toPrecision(3) : x.toExponential(2));

export function formatPopulation(r: PopulationReport): string {
  const lines = [
    `${r.algo} at threshold ${r.threshold}/${r.nbits}, database of ${r.dbSize} hashes, ${r.photosPerYear} photos per account per year, account flagged at ${r.accountThreshold} matches`,
    `  FPR per pair (measured)      ${formatProportion(r.fpr)}`,
    `  per-photo false match        ${sci(r.perPhoto.estimate)} [${sci(r.perPhoto.lower)}, ${sci(r.perPhoto.upper)}]`,
    `  per-account false flag/year  ${sci(r.perAccount.estimate)} [${sci(r.perAccount.lower)}, ${sci(r.perAccount.upper)}]`,
  ];
  if (r.fitted) {
    lines.push(
      `  DoF fit (N=${r.fitted.dof.dof.toFixed(1)}, p=${r.fitted.dof.p.toFixed(3)}, KS=${r.fitted.dof.ks.toFixed(3)}): FPR ${sci(r.fitted.fpr)}, per photo ${sci(r.fitted.perPhoto)}, per account ${sci(r.fitted.perAccount)}`,
    );
  }
  if (r.reverse && r.target !== undefined) {
    const show = (v: number | null): string => (v === null ? 'none' : String(v));
    lines.push(
      `  to keep per-account false flags ≤ ${sci(r.target)}: threshold ≤ ${show(r.reverse.maxThresholdMeasured)} (measured, upper bound) / ≤ ${show(r.reverse.maxThresholdFitted)} (DoF fit); account threshold ≥ ${show(r.reverse.minAccountThreshold)} at threshold ${r.threshold}`,
    );
  }
  lines.push(...r.assumptions.map((a) => `  assumes: ${a}`));
  return lines.join('\n') + '\n';
}

async function populationCommand(o: PopulationOptions): Promise<void> {
  const params = {
    threshold: positive('threshold', o.threshold, true),
    dbSize: positive('db-size', o.dbSize, false),
    photosPerYear: positive('photos-per-year', o.photosPerYear, true),
    accountThreshold: positive('account-threshold', o.accountThreshold, true),
    target: o.target === undefined ? undefined : positive('target', o.target, false),
  };
  const store = RunStore.openExisting(o.store);
  try {
    const run = store.getRun(o.fprRun);
    if (run.kind !== 'fpr') throw new StoreError(`run ${run.id} is a ${run.kind} run; --fpr-run needs an fpr run`);
    const summary = store.getArtifact<FprSummary>(run.id, 'summary');
    const algo = summary?.algos[o.algo];
    if (!summary || !algo)
      throw new StoreError(
        `run ${run.id} has no ${o.algo} histogram (algorithms: ${Object.keys(summary?.algos ?? {}).join(', ') || 'none'})`,
      );
    let report: PopulationReport;
    try {
      report = populationReport(o.algo, algo, algo.dof, params);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    process.stdout.write(
      o.json
        ? JSON.stringify({ run: run.id, synthetic: summary.synthetic, ...report }) + '\n'
        : `run ${run.id}${summary.synthetic ? ' (SYNTHETIC images)' : ''}\n${formatPopulation(report)}`,
    );
  } finally {
    store.close();
  }
}

/** A run's summary artifact, checking the run's kind. */
function summaryOf<T>(store: RunStore, ref: string, kind: string): { id: string; summary: T } {
  const run = store.getRun(ref);
  if (run.kind !== kind) throw new StoreError(`run ${run.id} is a ${run.kind} run, not a ${kind} run`);
  const summary = store.getArtifact<T>(run.id, 'summary');
  if (!summary) throw new StoreError(`run ${run.id} has no summary yet (resume it to finish)`);
  return { id: run.id, summary };
}

export function formatRoc(r: RocReport): string {
  const lines = [
    `${r.algo}: ${r.relatedPairs} related pairs, ${r.unrelatedPairs} unrelated pairs; AUC ${r.auc.toFixed(4)}; EER ${(100 * r.eer.rate).toFixed(2)}% at threshold ${r.eer.threshold.toFixed(1)}`,
    ...r.atFpr.map((a) =>
      a.supported && a.tpr
        ? `  TPR at FPR ≤ ${a.targetFpr}: ${formatProportion(a.tpr)} (threshold ${a.threshold}, FPR ${formatProportion(a.fpr!)})`
        : `  TPR at FPR ≤ ${a.targetFpr}: not supported by ${r.unrelatedPairs} unrelated pairs (needs ≥ ${Math.ceil(3 / a.targetFpr)})`,
    ),
  ];
  return lines.join('\n') + '\n';
}

async function rocCommand(o: {
  store: string;
  robustnessRun: string;
  fprRun: string;
  algo?: string;
  transform?: string;
  json?: boolean;
}): Promise<void> {
  const store = RunStore.openExisting(o.store);
  try {
    const rob = summaryOf<RobustnessSummary>(store, o.robustnessRun, 'robustness');
    const fpr = summaryOf<FprSummary>(store, o.fprRun, 'fpr');
    const algos = o.algo ? o.algo.split(',') : Object.keys(rob.summary.algos).filter((a) => fpr.summary.algos[a]);
    let reports: RocReport[];
    try {
      reports = algos.map((a) => rocReport(a, rob.summary, fpr.summary, o.transform));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (o.json) process.stdout.write(JSON.stringify({ robustnessRun: rob.id, fprRun: fpr.id, reports }) + '\n');
    else
      process.stdout.write(
        `robustness run ${rob.id}, fpr run ${fpr.id}${o.transform ? `, transform ${o.transform}` : ''}\n${reports.map(formatRoc).join('')}`,
      );
  } finally {
    store.close();
  }
}

export function registerStatsCommand(program: Command): void {
  const stats = program.command('stats').description('statistics computed from stored runs');
  addStoreOption(stats.command('population').description('false flags at population scale from an FPR run'))
    .requiredOption('--fpr-run <run>', 'an fpr run (id, prefix or name)')
    .requiredOption('--algo <algo>', 'algorithm whose histogram to use')
    .requiredOption('--threshold <n>', 'hash match threshold (distance ≤ n matches)')
    .requiredOption('--db-size <n>', 'hashes in the database (e.g. 5e6)')
    .requiredOption('--photos-per-year <n>', 'photos an account sends a year')
    .requiredOption('--account-threshold <t>', 'matches needed to flag an account')
    .option(
      '--target <rate>',
      'also solve for the thresholds that keep per-account false flags at or below this rate (e.g. 1e-12)',
    )
    .option('--json', 'print the report as JSON')
    .action(runAction(populationCommand));
  addStoreOption(
    stats
      .command('roc')
      .description('ROC, AUC, equal-error rate and TPR at fixed FPRs from a robustness run and an FPR run'),
  )
    .requiredOption('--robustness-run <run>', 'a robustness run (related pairs)')
    .requiredOption('--fpr-run <run>', 'an fpr run (unrelated pairs)')
    .option('--algo <list>', 'algorithms (default: those in both runs)')
    .option('--transform <spec>', 'related pairs of one transform only (default: all)')
    .option('--json', 'print the reports as JSON (with every operating point)')
    .action(runAction(rocCommand));
}
