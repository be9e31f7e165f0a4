// `scanlab leakage vouchers`: how well a tpsi-ad server estimates an account's match count below the threshold from its
// opened vouchers, for every combination of synthetic rate, threshold, photo volume and DHF capacity given.
import type { Command } from 'commander';
import { DEFAULT_TPSI_PARAMS } from '../psi/protocols/tpsi-ad/params.js';
import { runVoucherStudy, type ErrorSummary, type VoucherStudyRow } from '../leakage/voucher-study.js';
import { UsageError } from './errors.js';
import { registerHashLeakageCommands } from './leakage-hash.js';
import { registerProtocolLeakageCommand } from './leakage-protocols.js';
import { parseList } from './options.js';
import { runAction } from './run-action.js';
import { formatTable } from '../util/table.js';

interface VouchersOptions {
  syntheticRate: string;
  accountThreshold: string;
  photos: string;
  accounts: string;
  capacity: string;
  seed: string;
  json?: boolean;
}

function numbers(name: string, value: string, check: (n: number) => boolean, what: string): number[] {
  return parseList(value).map((item) => {
    const n = item === 'none' ? Infinity : Number(item);
    if (!check(n)) throw new UsageError(`--${name} takes ${what}, not "${item}"`);
    return n;
  });
}

const isCount = (n: number): boolean => Number.isInteger(n) && n >= 1;
const f = (x: number, digits = 2): string => x.toFixed(digits);
const spread = (e: ErrorSummary): string => `${f(e.p05, 1)} … ${f(e.p95, 1)}`;

export function formatVoucherStudy(rows: readonly VoucherStudyRow[]): string {
  const table = [
    [
      's',
      't',
      'photos',
      'capacity',
      'E[synthetic]',
      'capped',
      'RMSE blind',
      'RMSE moment',
      'RMSE ML',
      'RMSE posterior',
      'posterior error 5–95%',
      'posterior within ±1',
      'AUC 0 vs t−1',
    ],
    ...rows.map((r) => [
      String(r.config.syntheticRate),
      String(r.config.threshold),
      String(r.config.photos),
      Number.isFinite(r.config.capacity) ? String(r.config.capacity) : 'none',
      f(r.expectedSynthetic, 1),
      f(r.cappedFraction),
      f(r.blindRmse),
      f(r.moment.rmse),
      f(r.maximumLikelihood.rmse),
      f(r.posteriorMean.rmse),
      spread(r.posteriorMean),
      f(r.posteriorMean.withinOne),
      f(r.aucNoneVersusMax, 3),
    ]),
  ];
  const accounts = rows[0]?.config.accounts ?? 0;
  return (
    `accounts below the threshold, true matches k uniform on 0 … min(t − 1, photos), ${accounts} accounts per row; the server sees only how many vouchers opened\n` +
    formatTable(table) +
    'blind = guessing from the prior alone (what an estimate that learns nothing scores); moment = (opened − E[synthetic])/(1 − E[synthetic]/photos); ML = most likely k; posterior = E[k | opened] under the uniform prior (Bayes-optimal here)\n' +
    'AUC 0 vs t−1 = P(an account with t−1 matches opens more vouchers than one with none); 0.5 hides the difference, 1 reveals it\n'
  );
}

function vouchersCommand(o: VouchersOptions): void {
  const rates = numbers('synthetic-rate', o.syntheticRate, (n) => n >= 0 && n < 1, 'rates in [0, 1)');
  const thresholds = numbers('account-threshold', o.accountThreshold, isCount, 'positive integers');
  const photos = numbers('photos', o.photos, isCount, 'positive integers');
  const capacities = numbers('capacity', o.capacity, (n) => n === Infinity || isCount(n), 'positive integers or none');
  const accounts = Number(o.accounts);
  if (!isCount(accounts)) throw new UsageError(`--accounts takes a positive integer, not "${o.accounts}"`);
  const seed = Number(o.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed takes a non-negative integer, not "${o.seed}"`);
  const rows: VoucherStudyRow[] = [];
  for (const syntheticRate of rates)
    for (const threshold of thresholds)
      for (const n of photos)
        for (const capacity of capacities)
          rows.push(runVoucherStudy({ syntheticRate, threshold, photos: n, capacity, accounts, seed }));
  process.stdout.write(
    o.json ? JSON.stringify(rows, (_, v: unknown) => (v === Infinity ? 'none' : v)) + '\n' : formatVoucherStudy(rows),
  );
}

export function registerLeakageCommand(program: Command): void {
  const leakage = program.command('leakage').description('what protocols and hashes leak, measured');
  leakage
    .command('vouchers')
    .description(
      'tpsi-ad below the threshold: the error of the server’s estimate of an account’s match count from its opened vouchers',
    )
    .option(
      '--synthetic-rate <s>',
      'synthetic voucher rate(s), comma-separated (default: the protocol default)',
      String(DEFAULT_TPSI_PARAMS.syntheticRate),
    )
    .option(
      '--account-threshold <t>',
      'matches per account before anything is revealed, comma-separated (default: the protocol default)',
      String(DEFAULT_TPSI_PARAMS.threshold),
    )
    .requiredOption('--photos <n>', 'photos per account, comma-separated')
    .option('--accounts <n>', 'simulated accounts per combination', '2000')
    .option(
      '--capacity <c>',
      `DHF capacity (synthetic vouchers per account), comma-separated; none = no cap (default ${DEFAULT_TPSI_PARAMS.dhfCapacity}, as psi run)`,
      String(DEFAULT_TPSI_PARAMS.dhfCapacity),
    )
    .option('--seed <n>', 'simulation seed', '1')
    .option('--json', 'rows as JSON, with the error distribution per true match count')
    .action(runAction(vouchersCommand));
  registerHashLeakageCommands(leakage);
  registerProtocolLeakageCommand(leakage);
}
