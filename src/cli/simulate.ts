// `scanlab simulate population`: a Monte Carlo of N accounts over a year under a scanning deployment (false flags,
// detection, reviewer load, server cost), one scenario per --correlation × --burst value, stored as a run.
import type { Command } from 'commander';
import { RunStore } from '../eval/store.js';
import { parseCountDistribution } from '../simulate/count-distribution.js';
import { SimulationUsageError } from '../simulate/errors.js';
import { formatPopulation } from '../simulate/format.js';
import { DEFAULT_SERVER_COST, simulatePopulation, type PopulationConfig } from '../simulate/population.js';
import { photoFprFromRun, serverCostFromRun, tprFromRun } from '../simulate/sources.js';
import { storeSimulationRun } from '../simulate/store-run.js';
import { UsageError } from './errors.js';
import { parseList } from './options.js';
import { runAction } from './run-action.js';
import { addStoreOption } from './store-option.js';

interface PopulationOptions {
  accounts: string;
  photosPerYear: string;
  photoFpr?: string;
  fprRun?: string;
  robustnessRun?: string;
  algo?: string;
  maxDistance?: string;
  dbSize?: string;
  fprEstimate: string;
  tpr: string;
  knownShare: string;
  knownPerAccount: string;
  correlation: string;
  burst: string;
  accountThreshold: string;
  syntheticRate: string;
  dihedral?: boolean;
  pipelineRun?: string;
  seed: string;
  name?: string;
  store: string;
  json?: boolean;
}

function num(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} takes a number, not "${value}"`);
  return n;
}

async function populationCommand(o: PopulationOptions): Promise<void> {
  if ((o.photoFpr === undefined) === (o.fprRun === undefined))
    throw new UsageError('give either --photo-fpr P or --fpr-run RUN (with --algo, --max-distance and --db-size)');
  const store = RunStore.open(o.store);
  try {
    let photoFpr: number;
    let photoFprSource: string;
    let tpr = num('tpr', o.tpr);
    let tprSource = 'given';
    if (o.fprRun !== undefined || o.robustnessRun !== undefined) {
      if (o.algo === undefined || o.maxDistance === undefined)
        throw new UsageError('--fpr-run and --robustness-run need --algo and --max-distance');
    }
    if (o.fprRun !== undefined) {
      if (o.dbSize === undefined) throw new UsageError('--fpr-run needs --db-size D (hashes in the database)');
      const r = photoFprFromRun(
        store,
        o.fprRun,
        o.algo!,
        num('max-distance', o.maxDistance!),
        num('db-size', o.dbSize),
      );
      photoFpr = r.photoFpr;
      photoFprSource = r.source;
    } else {
      photoFpr = num('photo-fpr', o.photoFpr!);
      photoFprSource = 'given (--photo-fpr)';
    }
    if (o.robustnessRun !== undefined) {
      const r = tprFromRun(store, o.robustnessRun, o.algo!, num('max-distance', o.maxDistance!));
      tpr = r.tpr;
      tprSource = r.source;
    }
    const base: Omit<PopulationConfig, 'correlation' | 'burst'> = {
      accounts: num('accounts', o.accounts),
      photosPerYear: parseCountDistribution(o.photosPerYear),
      photoFpr,
      photoFprSource,
      tpr,
      knownShare: num('known-share', o.knownShare),
      knownPerAccount: parseCountDistribution(o.knownPerAccount),
      accountThreshold: num('account-threshold', o.accountThreshold),
      syntheticRate: num('synthetic-rate', o.syntheticRate),
      dihedral: o.dihedral ?? false,
      seed: num('seed', o.seed),
      serverCost: o.pipelineRun !== undefined ? serverCostFromRun(store, o.pipelineRun) : DEFAULT_SERVER_COST,
    };
    const scenarios = parseList(o.correlation).flatMap((rho) =>
      parseList(o.burst).map((b) =>
        simulatePopulation({ ...base, correlation: num('correlation', rho), burst: num('burst', b) }),
      ),
    );
    const runId = storeSimulationRun(store, scenarios, o.name);
    if (o.json) {
      const body = scenarios.length === 1 ? scenarios[0] : { scenarios };
      process.stdout.write(JSON.stringify({ run: runId, tprSource, ...body }) + '\n');
    } else process.stdout.write(formatPopulation(runId, scenarios) + `TPR source: ${tprSource}\n`);
  } catch (e) {
    if (e instanceof SimulationUsageError) throw new UsageError(e.message);
    throw e;
  } finally {
    store.close();
  }
}

export function registerSimulateCommand(program: Command): void {
  const simulate = program.command('simulate').description('population-scale simulations of a scanning deployment');
  addStoreOption(
    simulate
      .command('population')
      .description('Monte Carlo of N accounts over a year: false flags, detection, reviewer load, server cost')
      .option('--accounts <n>', 'accounts simulated', '1000000')
      .option(
        '--photos-per-year <dist>',
        'fixed:N, lognormal:median=M,sigma=S or pareto:min=M,alpha=A',
        'lognormal:median=1825,sigma=1',
      )
      .option('--photo-fpr <p>', 'per-photo false-match probability against the whole database')
      .option('--fpr-run <run>', 'or take it from a stored FPR run (with --algo, --max-distance, --db-size)')
      .option('--robustness-run <run>', 'take the per-image detection rate from a stored robustness run')
      .option('--algo <algo>', 'algorithm of the stored runs')
      .option('--max-distance <n>', 'Hamming distance that counts as a match')
      .option('--db-size <n>', 'hashes in the database')
      .option(
        '--fpr-estimate <how>',
        'from --fpr-run: measured (the 95% upper bound when no pair is within τ) or dof-fit (a model)',
        'measured',
      )
      .option('--tpr <q>', 'per-image detection rate of known images', '0.9')
      .option('--known-share <f>', 'share of accounts that hold known images', '0')
      .option('--known-per-account <dist>', 'known images per holder (a distribution)', 'fixed:10')
      .option(
        '--correlation <list>',
        'intra-account correlation ρ of false matches (beta-binomial); a list gives scenarios',
        '0',
      )
      .option('--burst <list>', 'each false-matching photo is sent b times; a list gives scenarios', '1')
      .option('--account-threshold <t>', 'matches per account before the provider learns anything', '30')
      .option('--synthetic-rate <s>', 'tpsi-ad synthetic voucher rate (a synthetic voucher never counts)', '0')
      .option('--dihedral', 'each photo is checked in its eight rotations/flips')
      .option('--pipeline-run <run>', 'server cost per voucher and bytes per photo from a stored pipeline run')
      .option('--seed <n>', 'seed of the Monte Carlo', '1')
      .option('--name <name>', 'run name in the store')
      .option('--json', 'print the result as JSON'),
  ).action(runAction(populationCommand));
}
