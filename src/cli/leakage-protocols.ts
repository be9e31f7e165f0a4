// `scanlab leakage protocols`: the measured "who learns what" table — every inference attempt against every protocol
// on a seeded workload, and count leakage under a prior and across epochs — stored as a run.
import type { Command } from 'commander';
import { RunStore } from '../eval/store.js';
import type { Measurement } from '../leakage/protocol-attempts.js';
import {
  DEFAULT_PROTOCOL_LEAKAGE,
  measureProtocolLeakage,
  resolveSubjects,
  storeProtocolLeakage,
} from '../leakage/protocol-leakage.js';
import { formatTable } from '../util/table.js';
import { UsageError } from './errors.js';
import { parseList, parseNumberOption } from './options.js';
import { runAction } from './run-action.js';
import { addStoreOption } from './store-option.js';

interface ProtocolsOptions {
  protocol?: string;
  trials: string;
  calibration: string;
  prior: string;
  photos: string;
  epochs: string;
  accounts: string;
  seed: string;
  store: string;
  name?: string;
  json?: boolean;
}

function positive(name: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes an integer ≥ ${min}, not "${value}"`);
  return n;
}

const f3 = (x: number): string => x.toFixed(3);

export function formatWhoLearnsWhat(rows: readonly Measurement[]): string {
  const table = [['protocol', 'party', 'attempt', 'learns', 'measured [95% CI]', 'chance', 'n']];
  for (const r of rows)
    table.push([
      r.subject,
      r.party,
      r.attempt,
      r.learns,
      `${r.unit === 'AUC' ? 'AUC ' : ''}${f3(r.value)} [${f3(r.interval[0])}, ${f3(r.interval[1])}]`,
      f3(r.chance),
      String(r.n),
    ]);
  const how = [...new Map(rows.map((r) => [r.attempt, r.how])).entries()].map(([a, h]) => `  ${a}: ${h}`).join('\n');
  return `who learns what (measured by attempting each inference)\n${formatTable(table)}attempts:\n${how}\n`;
}

async function protocolsCommand(o: ProtocolsOptions): Promise<void> {
  const protocols = o.protocol ? parseList(o.protocol) : [];
  try {
    resolveSubjects(protocols);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const prior = parseNumberOption('--prior', o.prior);
  if (!(prior >= 0 && prior < 1)) throw new UsageError(`--prior takes P(no match) in [0, 1), not "${o.prior}"`);
  const config = {
    ...DEFAULT_PROTOCOL_LEAKAGE,
    protocols,
    trials: positive('trials', o.trials, 2),
    calibration: positive('calibration', o.calibration, 2),
    prior,
    photos: positive('photos', o.photos),
    epochs: parseList(o.epochs).map((e) => positive('epochs', e)),
    accounts: positive('accounts', o.accounts, 2),
    seed: positive('seed', o.seed, 0),
  };
  const summary = await measureProtocolLeakage(config, (what) => {
    if (process.stderr.isTTY) process.stderr.write(`\rleakage protocols: ${what}\x1b[K`);
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const store = RunStore.open(o.store);
  try {
    const runId = storeProtocolLeakage(store, summary, o.name);
    process.stdout.write(
      o.json ? JSON.stringify({ run: runId, ...summary }) + '\n' : `run ${runId}\n` + formatWhoLearnsWhat(summary.rows),
    );
  } finally {
    store.close();
  }
}

export function registerProtocolLeakageCommand(leakage: Command): void {
  const d = DEFAULT_PROTOCOL_LEAKAGE;
  addStoreOption(
    leakage
      .command('protocols')
      .description(
        'who learns what: linkability (bytes and sizes), duplicates, dictionary, membership, near misses and count attempts per protocol and pipeline party',
      )
      .option('--protocol <list>', 'protocols to measure, comma-separated (default: all registered)')
      .option('--trials <n>', 'measured session pairs per protocol', String(d.trials))
      .option('--calibration <n>', 'session pairs the attacker simulates to calibrate its rule', String(d.calibration))
      .option('--prior <p>', 'count leakage: P(an account has no match)', String(d.prior))
      .option('--photos <n>', 'count leakage: photos per account per epoch', String(d.photos))
      .option('--epochs <list>', 'count leakage: epochs the server observes, comma-separated', d.epochs.join(','))
      .option('--accounts <n>', 'count leakage: simulated accounts', String(d.accounts))
      .option('--seed <n>', 'workload seed', String(d.seed))
      .option('--name <name>', 'run name')
      .option('--json', 'rows as JSON'),
  ).action(runAction(protocolsCommand));
}
