// `scanlab stats population`: per-photo and per-account false-flag rates from a stored FPR run or a stated per-photo
// rate, with intra-account correlation and dihedral matching; `scanlab stats roc`.
import type { Command } from 'commander';
import { formatProportion } from '../eval/binomial.js';
import type { FprSummary } from '../eval/fpr.js';
import type { RobustnessSummary } from '../eval/robustness-summary.js';
import { rocReport, type RocReport } from '../eval/roc-report.js';
import { accountFlagReport, type AccountFlagReport } from '../eval/account-flags.js';
import { populationReport, type PopulationReport } from '../eval/population-report.js';
import { formatBand, formatLog10 } from '../eval/tail-models.js';
import { RunStore, StoreError } from '../eval/store.js';
import { UsageError } from './errors.js';
import { runAction } from './run-action.js';
import { addStoreOption } from './store-option.js';

interface PopulationOptions {
  store: string;
  fprRun?: string;
  photoFpr?: string;
  algo?: string;
  maxDistance?: string;
  dbSize?: string;
  photosPerYear: string;
  accountThreshold: string;
  correlation: string;
  dihedral?: boolean;
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

/** An estimate with its interval; with no event seen, only its upper bound (a "0" is never a point estimate). */
const interval = (e: { estimate: number; lower: number; upper: number }): string =>
  e.estimate === 0 ? `≤ ${sci(e.upper)} (none seen)` : `${sci(e.estimate)} [${sci(e.lower)}, ${sci(e.upper)}]`;

export function formatPopulation(r: PopulationReport): string {
  const rho = r.correlation ?? 0;
  const lines = [
    `${r.algo} at threshold ${r.threshold}/${r.nbits}, database of ${r.dbSize} hashes${r.dihedral ? ' (8 dihedral comparisons each)' : ''}, ${r.photosPerYear} photos per account per year, account flagged at ${r.accountThreshold} matches, intra-account correlation ${rho}`,
    `  FPR per pair, raw pairs      ${formatProportion(r.fpr)} (Clopper–Pearson, assumes independent pairs)`,
  ];
  if (r.fprClustered) {
    const c = r.fprClustered;
    lines.push(
      `  FPR per pair, clustered      ${interval(c)} (cluster jackknife over ${c.clusters} image groups, design effect ${c.designEffect.toFixed(1)}, effective n ${Math.round(c.effectiveN)} of ${c.n} pairs)`,
    );
  }
  lines.push(
    `  per-photo false match        ${interval(r.perPhoto)}`,
    `  per-account false flag/year  ${interval(r.perAccount)} (from the ${r.intervalBasis} interval)`,
  );
  if (r.extrapolation) {
    const x = r.extrapolation;
    lines.push(
      `  tail models at τ (band)      FPR ${formatBand(x.fpr)}; per account [${formatLog10(x.log10PerAccount[0], 1)}, ${formatLog10(x.log10PerAccount[1], 1)}]`,
      ...x.fpr.byModel.map((b) => {
        const v = x.validation.models.find((m) => m.model === b.model);
        const err = v
          ? `out-of-sample error ${v.meanAbsLog10Error.toFixed(2)} decades mean, ${v.maxAbsLog10Error.toFixed(2)} max (${v.points.length} held-out thresholds below ${x.validation.cut})`
          : `not validated${x.validation.reason ? ` (${x.validation.reason})` : ''}`;
        return `    ${b.model.padEnd(17)} FPR ${formatLog10(b.log10Fpr)}; ${err}`;
      }),
    );
  }
  if (r.reverse && r.target !== undefined) {
    const show = (v: number | null): string => (v === null ? 'none' : String(v));
    lines.push(
      `  to keep per-account false flags ≤ ${sci(r.target)}: threshold ≤ ${show(r.reverse.maxThresholdMeasured)} (measured, upper bound) / ≤ ${show(r.reverse.maxThresholdFitted)} (upper end of the model band); account threshold ≥ ${show(r.reverse.minAccountThreshold)} at threshold ${r.threshold}; at most ${show(r.reverse.maxPhotosPerYear)} photos a year`,
    );
  }
  lines.push(...r.assumptions.map((a) => `  assumes: ${a}`));
  return lines.join('\n') + '\n';
}

export function formatAccountFlags(r: AccountFlagReport): string {
  const lines = [
    `per-photo false match ${sci(r.photoFpr)}${r.dihedral ? ` (${sci(r.perPhoto)} with 8 dihedral comparisons)` : ''}, ${r.photosPerYear} photos a year, account flagged at ${r.accountThreshold} matches, intra-account correlation ${r.correlation}`,
    `  per-account false flag/year  ${formatLog10(r.log10AccountFlagProbability, 3)}`,
  ];
  if (r.reverse && r.target !== undefined) {
    const show = (v: number | null): string => (v === null ? 'none' : String(v));
    lines.push(
      `  to keep it ≤ ${sci(r.target)}: at most ${show(r.reverse.maxPhotosPerYear)} photos a year (${show(r.reverse.firstExceedingPhotosPerYear)} exceed it); account threshold ≥ ${show(r.reverse.minAccountThreshold)} at ${r.photosPerYear} photos`,
    );
  }
  lines.push(...r.assumptions.map((a) => `  assumes: ${a}`));
  return lines.join('\n') + '\n';
}

function accountFlagsCommand(o: PopulationOptions, photoFpr: number, correlation: number, target?: number): void {
  if (o.fprRun !== undefined) throw new UsageError('give either --photo-fpr or --fpr-run, not both');
  let report: AccountFlagReport;
  try {
    report = accountFlagReport({
      photoFpr,
      photosPerYear: positive('photos-per-year', o.photosPerYear, true),
      accountThreshold: positive('account-threshold', o.accountThreshold, true),
      correlation,
      dihedral: o.dihedral === true,
      ...(target === undefined ? {} : { target }),
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const json = report.reverse ? { ...report, maxPhotosPerYear: report.reverse.maxPhotosPerYear } : report;
  process.stdout.write(o.json ? JSON.stringify(json) + '\n' : formatAccountFlags(report));
}

async function populationCommand(o: PopulationOptions): Promise<void> {
  const correlation = positive('correlation', o.correlation, false);
  const target = o.target === undefined ? undefined : positive('target', o.target, false);
  if (o.photoFpr !== undefined)
    return accountFlagsCommand(o, positive('photo-fpr', o.photoFpr, false), correlation, target);
  if (o.fprRun === undefined)
    throw new UsageError('give --fpr-run RUN (a measured FPR) or --photo-fpr P (a stated rate)');
  for (const [name, v] of [
    ['algo', o.algo],
    ['max-distance', o.maxDistance],
    ['db-size', o.dbSize],
  ] as const)
    if (v === undefined) throw new UsageError(`--fpr-run needs --${name}`);
  const algoName = o.algo!;
  const params = {
    threshold: positive('max-distance', o.maxDistance, true),
    dbSize: positive('db-size', o.dbSize, false),
    photosPerYear: positive('photos-per-year', o.photosPerYear, true),
    accountThreshold: positive('account-threshold', o.accountThreshold, true),
    correlation,
    dihedral: o.dihedral === true,
    target,
  };
  const store = RunStore.openExisting(o.store);
  try {
    const run = store.getRun(o.fprRun);
    if (run.kind !== 'fpr') throw new StoreError(`run ${run.id} is a ${run.kind} run; --fpr-run needs an fpr run`);
    const summary = store.getArtifact<FprSummary>(run.id, 'summary');
    const algo = summary?.algos[algoName];
    if (!summary || !algo)
      throw new StoreError(
        `run ${run.id} has no ${algoName} histogram (algorithms: ${Object.keys(summary?.algos ?? {}).join(', ') || 'none'})`,
      );
    let report: PopulationReport;
    try {
      report = populationReport(algoName, algo, algo.dof, params);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    process.stdout.write(
      o.json
        ? JSON.stringify({
            run: run.id,
            synthetic: summary.synthetic,
            accountFlagProbability: report.perAccount.estimate,
            ...(report.reverse ? { maxPhotosPerYear: report.reverse.maxPhotosPerYear } : {}),
            ...report,
          }) + '\n'
        : `run ${run.id}${summary.synthetic ? ' (SYNTHETIC images)' : ''}\n${formatPopulation(report)}`,
    );
  } finally {
    store.close();
  }
}

/** A run's summary artifact, checking the run's kind. */
function summaryOf<T>(
  store: RunStore,
  ref: string,
  kind: string,
): { id: string; summary: T; datasetHash: string | null } {
  const run = store.getRun(ref);
  if (run.kind !== kind) throw new StoreError(`run ${run.id} is a ${run.kind} run, not a ${kind} run`);
  const summary = store.getArtifact<T>(run.id, 'summary');
  if (!summary) throw new StoreError(`run ${run.id} has no summary yet (resume it to finish)`);
  return { id: run.id, summary, datasetHash: run.datasetHash };
}

export function formatRoc(r: RocReport): string {
  const lines = [
    `${r.algo}: ${r.relatedPairs} related pairs, ${r.unrelatedPairs} unrelated pairs; AUC ${r.auc.toFixed(3)}${r.aucInterval ? ` [${r.aucInterval.lower.toFixed(3)}, ${r.aucInterval.upper.toFixed(3)}]` : ' (no interval: the FPR run kept no per-image histograms)'}; EER ${(100 * r.eer.rate).toFixed(2)}% at threshold ${r.eer.threshold.toFixed(1)}`,
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
    const sameDataset = rob.datasetHash !== null && rob.datasetHash === fpr.datasetHash;
    if (!sameDataset)
      process.stderr.write(
        `scanlab: warning: runs ${rob.id} and ${fpr.id} come from different datasets (fingerprints differ); the ROC mixes two samples\n`,
      );
    const algos = o.algo ? o.algo.split(',') : Object.keys(rob.summary.algos).filter((a) => fpr.summary.algos[a]);
    let reports: RocReport[];
    try {
      reports = algos.map((a) => rocReport(a, rob.summary, fpr.summary, o.transform));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (o.json)
      process.stdout.write(JSON.stringify({ robustnessRun: rob.id, fprRun: fpr.id, sameDataset, reports }) + '\n');
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
  addStoreOption(
    stats
      .command('population')
      .description(
        'false flags at population scale from an FPR run (--fpr-run) or a stated per-photo rate (--photo-fpr)',
      ),
  )
    .option('--fpr-run <run>', 'an fpr run (id, prefix or name) whose measured FPR to use')
    .option('--photo-fpr <p>', 'instead of a run: per-photo false-match probability against the whole database')
    .option('--algo <algo>', 'with --fpr-run: algorithm whose histogram to use')
    .option('--max-distance <n>', 'with --fpr-run: largest Hamming distance that matches')
    .option('--db-size <n>', 'with --fpr-run: hashes in the database (e.g. 5e6)')
    .requiredOption('--photos-per-year <n>', 'photos an account sends a year')
    .requiredOption('--account-threshold <t>', 'matches needed to flag an account')
    .option(
      '--correlation <rho>',
      'intra-account correlation of false matches (beta-binomial; 0 = independent photos)',
      '0',
    )
    .option('--dihedral', 'each photo is compared in its 8 rotations and mirror images (PDQ matching)')
    .option(
      '--target <rate>',
      'also solve for the largest photos per year, the largest threshold and the smallest account threshold that keep per-account false flags at or below this rate (e.g. 1e-12)',
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
