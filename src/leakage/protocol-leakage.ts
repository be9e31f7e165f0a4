// The "who learns what" table: every registered attempt against every registered protocol on one seeded workload,
// plus the count leakage of protocols with synthetic vouchers under a realistic prior and across epochs; stored as a
// run (kind `leakage-protocols`).
import type { RunStore } from '../eval/store.js';
import { runCountLeakage } from './count-leakage.js';
import { leakageAttempts, type Measurement } from './protocol-attempts.js';
import { getLeakageSubject, leakageSubjects, type LeakageSubject } from './protocol-subjects.js';
import { runTrials, type TrialWorkload } from './protocol-trials.js';

export const PROTOCOL_LEAKAGE_RUN_KIND = 'leakage-protocols';

export interface ProtocolLeakageConfig extends TrialWorkload {
  /** Subject ids; empty: every registered one. */
  readonly protocols: readonly string[];
  /** Count leakage: P(an account has no match). */
  readonly prior: number;
  /** Count leakage: photos per account per epoch. */
  readonly photos: number;
  readonly epochs: readonly number[];
  /** Count leakage: simulated accounts per epoch count. */
  readonly accounts: number;
}

export const DEFAULT_PROTOCOL_LEAKAGE: Omit<ProtocolLeakageConfig, 'protocols'> = {
  seed: 1,
  calibration: 16,
  trials: 40,
  database: 16,
  prior: 0.99,
  photos: 500,
  epochs: [1, 4, 16],
  accounts: 20000,
};

export interface ProtocolLeakageSummary {
  readonly config: ProtocolLeakageConfig;
  readonly rows: readonly Measurement[];
}

/** The subjects a configuration names (all when none), or an Error naming the unknown one. */
export function resolveSubjects(ids: readonly string[]): LeakageSubject[] {
  if (ids.length === 0) return leakageSubjects();
  return ids.map((id) => {
    const s = getLeakageSubject(id);
    if (!s)
      throw new RangeError(
        `unknown protocol "${id}" (known: ${leakageSubjects()
          .map((x) => x.id)
          .join(', ')})`,
      );
    return s;
  });
}

export async function measureProtocolLeakage(
  config: ProtocolLeakageConfig,
  onProgress?: (what: string) => void,
): Promise<ProtocolLeakageSummary> {
  const rows: Measurement[] = [];
  for (const subject of resolveSubjects(config.protocols)) {
    const pool = await runTrials(subject, config, (done, total) => onProgress?.(`${subject.id} ${done}/${total}`));
    for (const attempt of leakageAttempts()) {
      const name = subject.parties ? subject.parties[attempt.party] : attempt.party;
      if (name !== undefined) rows.push({ ...attempt.measure(pool), party: name });
    }
    const vm = subject.voucherModel;
    if (vm) {
      for (const epochs of config.epochs) {
        const r = runCountLeakage({
          photos: config.photos,
          syntheticRate: vm.syntheticRate,
          capacity: Infinity,
          threshold: vm.threshold,
          priorZero: config.prior,
          epochs,
          accounts: config.accounts,
          seed: config.seed,
        });
        rows.push({
          subject: subject.id,
          attempt: `count×${epochs}`,
          party: 'server',
          learns: `whether an account below the threshold has matches, over ${epochs} epoch${epochs === 1 ? '' : 's'}`,
          how: `posterior P(k > 0) from opened-voucher counts (s = ${vm.syntheticRate}, t = ${vm.threshold}, ${config.photos} photos per epoch, prior P(k = 0) = ${config.prior}); AUC accounts with vs without matches (voucher model simulation)`,
          unit: 'AUC',
          value: r.auc,
          interval: r.aucInterval,
          chance: 0.5,
          n: config.accounts,
          detail: { rmse: r.rmse, blindRmse: r.blindRmse, withMatches: r.withMatches },
        });
      }
    }
  }
  return { config, rows };
}

export function storeProtocolLeakage(store: RunStore, summary: ProtocolLeakageSummary, name?: string): string {
  const run = store.createRun({
    kind: PROTOCOL_LEAKAGE_RUN_KIND,
    name: name ?? PROTOCOL_LEAKAGE_RUN_KIND,
    config: summary.config,
    seed: summary.config.seed,
  });
  store.putResults(
    run.id,
    'who-learns-what',
    summary.rows.map((r) => ({ key: `${r.subject}|${r.party}|${r.attempt}`, value: r })),
  );
  store.putArtifact(run.id, 'summary', summary);
  store.setStatus(run.id, 'done');
  return run.id;
}
