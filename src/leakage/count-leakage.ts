// Count leakage of synthetic vouchers under a realistic prior and across epochs: most accounts have no match
// (P(k = 0) = prior), the rest k uniform on 1 … t − 1; the same account is observed over several periods with fresh
// synthetic coins each time, and the server combines the periods' opened-voucher counts by Bayes' rule.
import { OpenedCountLikelihood } from './match-count-estimators.js';
import { seededUniform } from './samplers.js';
import { sampleAccount, type VoucherModel } from './synthetic-vouchers.js';

export interface CountLeakageConfig extends VoucherModel {
  readonly threshold: number;
  /** P(an account has no match). */
  readonly priorZero: number;
  readonly epochs: number;
  readonly accounts: number;
  readonly seed: number;
}

export interface CountLeakageResult {
  readonly config: CountLeakageConfig;
  /** P(score of an account with matches > score of one without), score = posterior P(k > 0 | openings). */
  readonly auc: number;
  /** Hanley–McNeil 95% interval. */
  readonly aucInterval: readonly [number, number];
  /** RMSE of the posterior mean of k, and of the prior mean alone (an estimate that learns nothing). */
  readonly rmse: number;
  readonly blindRmse: number;
  readonly withMatches: number;
  readonly withoutMatches: number;
}

function aucOf(pos: readonly number[], neg: readonly number[]): number {
  let wins = 0;
  for (const p of pos) for (const q of neg) wins += p > q ? 1 : p === q ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

/** Hanley & McNeil (1982) standard error of an AUC, as a 95% interval clamped to [0, 1]. */
export function aucInterval(auc: number, nPos: number, nNeg: number): readonly [number, number] {
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  const v = (auc * (1 - auc) + (nPos - 1) * (q1 - auc * auc) + (nNeg - 1) * (q2 - auc * auc)) / (nPos * nNeg);
  const half = 1.96 * Math.sqrt(Math.max(0, v));
  return [Math.max(0, auc - half), Math.min(1, auc + half)];
}

export function runCountLeakage(config: CountLeakageConfig): CountLeakageResult {
  const u = seededUniform(config.seed);
  const likelihood = new OpenedCountLikelihood(config);
  const maxK = Math.min(config.threshold - 1, config.photos);
  const prior = Array.from({ length: maxK + 1 }, (_, k) =>
    k === 0 ? config.priorZero : (1 - config.priorZero) / maxK,
  );
  const priorMean = prior.reduce((a, p, k) => a + k * p, 0);
  const pos: number[] = [];
  const neg: number[] = [];
  let se = 0;
  let blind = 0;
  for (let a = 0; a < config.accounts; a++) {
    const k = u() < config.priorZero ? 0 : 1 + Math.floor(u() * maxK);
    const logPost = prior.map((p) => Math.log(p));
    for (let e = 0; e < config.epochs; e++) {
      const opened = sampleAccount(u, config, k).opened;
      const ll = likelihood.logLikelihoods(opened);
      for (let j = 0; j <= maxK; j++) logPost[j] = (logPost[j] ?? 0) + (ll[j] ?? -Infinity);
    }
    const max = Math.max(...logPost);
    const w = logPost.map((l) => (Number.isFinite(l) ? Math.exp(l - max) : 0));
    const z = w.reduce((x, y) => x + y, 0);
    const mean = w.reduce((acc, p, j) => acc + (j * p) / z, 0);
    const pMatches = 1 - (w[0] ?? 0) / z;
    (k > 0 ? pos : neg).push(pMatches);
    se += (mean - k) ** 2;
    blind += (priorMean - k) ** 2;
  }
  const auc = pos.length > 0 && neg.length > 0 ? aucOf(pos, neg) : NaN;
  return {
    config,
    auc,
    aucInterval: Number.isNaN(auc) ? [NaN, NaN] : aucInterval(auc, pos.length, neg.length),
    rmse: Math.sqrt(se / config.accounts),
    blindRmse: Math.sqrt(blind / config.accounts),
    withMatches: pos.length,
    withoutMatches: neg.length,
  };
}
