// The synthetic-voucher leakage study: for simulated accounts below the threshold with known true match counts, how
// well the server estimates that count from its opened vouchers, and how well it tells an account with no match from
// one just below the threshold — as functions of s, t, the photo volume n and the DHF capacity.
import {
  OpenedCountLikelihood,
  maximumLikelihoodEstimate,
  momentEstimate,
  posteriorMeanEstimate,
} from './match-count-estimators.js';
import { seededUniform } from './samplers.js';
import { sampleAccount, type VoucherModel } from './synthetic-vouchers.js';

export interface VoucherStudyConfig extends VoucherModel {
  readonly threshold: number;
  readonly accounts: number;
  readonly seed: number;
}

export interface ErrorSummary {
  /** Mean of estimate − truth. */
  readonly bias: number;
  readonly rmse: number;
  readonly meanAbsoluteError: number;
  /** 5th, 50th and 95th percentiles of estimate − truth. */
  readonly p05: number;
  readonly p50: number;
  readonly p95: number;
  /** Accounts whose estimate lies within 1 of the truth. */
  readonly withinOne: number;
}

export interface ByMatchCount {
  readonly matches: number;
  readonly accounts: number;
  readonly meanOpened: number;
  readonly meanMoment: number;
  readonly meanPosterior: number;
}

export interface VoucherStudyRow {
  readonly config: VoucherStudyConfig;
  /** The largest true match count simulated: min(t − 1, n); accounts draw k uniformly from 0 … this. */
  readonly maxMatches: number;
  readonly expectedSynthetic: number;
  /** The RMSE of guessing from the prior alone (its standard deviation): what an estimate that learns nothing scores. */
  readonly blindRmse: number;
  /** Accounts whose client reached the capacity. */
  readonly cappedFraction: number;
  readonly moment: ErrorSummary;
  readonly maximumLikelihood: ErrorSummary;
  /** Posterior mean under the uniform prior on 0 … maxMatches (the simulated population, so Bayes-optimal here). */
  readonly posteriorMean: ErrorSummary;
  /**
   * Probability that an account with maxMatches true matches opens more vouchers than one with none (ties count
   * half): 0.5 means the count hides the difference, 1 means it gives it away.
   */
  readonly aucNoneVersusMax: number;
  readonly byMatches: readonly ByMatchCount[];
}

const quantile = (sorted: Float64Array, q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;

export function summarizeErrors(errors: Float64Array): ErrorSummary {
  const n = errors.length;
  let sum = 0;
  let squares = 0;
  let absolute = 0;
  let within = 0;
  for (const e of errors) {
    sum += e;
    squares += e * e;
    absolute += Math.abs(e);
    if (Math.abs(e) <= 1) within++;
  }
  const sorted = Float64Array.from(errors).sort();
  return {
    bias: sum / n,
    rmse: Math.sqrt(squares / n),
    meanAbsoluteError: absolute / n,
    p05: quantile(sorted, 0.05),
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    withinOne: within / n,
  };
}

/** The number of entries of ascending `sorted` below `x` (strictly, or at most x when `inclusive`). */
function countBelow(sorted: Float64Array, x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x || (inclusive && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** P(X > Y) + P(X = Y)/2 for independent samples X of `higher` and Y of `lower` (the Mann–Whitney AUC). */
export function aucOfSamples(higher: readonly number[], lower: readonly number[]): number {
  const sorted = Float64Array.from(lower).sort();
  let wins = 0;
  for (const x of higher) {
    const less = countBelow(sorted, x, false);
    wins += less + (countBelow(sorted, x, true) - less) / 2;
  }
  return wins / (higher.length * lower.length);
}

export function runVoucherStudy(config: VoucherStudyConfig): VoucherStudyRow {
  const u = seededUniform(config.seed);
  const likelihood = new OpenedCountLikelihood(config);
  const maxMatches = Math.min(config.threshold - 1, config.photos);
  const prior = new Array<number>(maxMatches + 1).fill(1);
  const errors = {
    moment: new Float64Array(config.accounts),
    ml: new Float64Array(config.accounts),
    posterior: new Float64Array(config.accounts),
  };
  const perK = Array.from({ length: maxMatches + 1 }, () => ({ accounts: 0, opened: 0, moment: 0, posterior: 0 }));
  let capped = 0;
  for (let a = 0; a < config.accounts; a++) {
    const k = Math.floor(u() * (maxMatches + 1));
    const sample = sampleAccount(u, config, k);
    if (sample.capped) capped++;
    const moment = momentEstimate(likelihood, sample.opened);
    const posterior = posteriorMeanEstimate(likelihood, sample.opened, prior);
    errors.moment[a] = moment - k;
    errors.ml[a] = maximumLikelihoodEstimate(likelihood, sample.opened) - k;
    errors.posterior[a] = posterior - k;
    const bucket = perK[k]!;
    bucket.accounts++;
    bucket.opened += sample.opened;
    bucket.moment += moment;
    bucket.posterior += posterior;
  }
  const none = Array.from({ length: config.accounts }, () => sampleAccount(u, config, 0).opened);
  const most = Array.from({ length: config.accounts }, () => sampleAccount(u, config, maxMatches).opened);
  return {
    config,
    maxMatches,
    expectedSynthetic: likelihood.expectedSynthetic,
    blindRmse: Math.sqrt(((maxMatches + 1) ** 2 - 1) / 12),
    cappedFraction: capped / config.accounts,
    moment: summarizeErrors(errors.moment),
    maximumLikelihood: summarizeErrors(errors.ml),
    posteriorMean: summarizeErrors(errors.posterior),
    aucNoneVersusMax: aucOfSamples(most, none),
    byMatches: perK.map((b, matches) => ({
      matches,
      accounts: b.accounts,
      meanOpened: b.opened / Math.max(1, b.accounts),
      meanMoment: b.moment / Math.max(1, b.accounts),
      meanPosterior: b.posterior / Math.max(1, b.accounts),
    })),
  };
}
