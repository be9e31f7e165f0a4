// What a server can infer about an account's true match count from the number of its vouchers that opened, knowing the
// photo count n, the synthetic rate s and the capacity C: the exact likelihood P(opened | k), and three estimators —
// the moment estimator (unbiased without a cap), maximum likelihood, and the posterior mean under a prior on k.
import type { VoucherModel } from './synthetic-vouchers.js';

function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) out[i] = out[i - 1]! + Math.log(i);
  return out;
}

function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

export class OpenedCountLikelihood {
  /** E[synthetic vouchers] = E[min(Bin(n, s), C)]. */
  readonly expectedSynthetic: number;
  private readonly lf: Float64Array;
  private readonly capped: boolean;
  /** log P(S = j) of the synthetic count, j = 0 … C (C: the capped tail), when the cap can bind. */
  private readonly logSyntheticPmf: Float64Array;
  private readonly cache = new Map<number, Float64Array>();

  constructor(readonly model: VoucherModel) {
    const { photos: n, syntheticRate: s, capacity } = model;
    if (!(s >= 0 && s < 1)) throw new RangeError(`synthetic rate must lie in [0, 1), got ${s}`);
    this.lf = logFactorials(n);
    this.capped = capacity < n;
    if (!this.capped) {
      this.logSyntheticPmf = new Float64Array(0);
      this.expectedSynthetic = n * s;
      return;
    }
    const pmf = new Float64Array(capacity + 1);
    let tail = 0;
    for (let j = 0; j <= n; j++) {
      const p = Math.exp(this.logBinomial(j, n, s));
      if (j < capacity) pmf[j] = p;
      else tail += p;
    }
    pmf[capacity] = tail;
    this.logSyntheticPmf = pmf.map(Math.log);
    this.expectedSynthetic = pmf.reduce((acc, p, j) => acc + j * p, 0);
  }

  private logChoose(a: number, b: number): number {
    return b < 0 || b > a ? -Infinity : this.lf[a]! - this.lf[b]! - this.lf[a - b]!;
  }

  private logBinomial(j: number, m: number, p: number): number {
    if (j < 0 || j > m) return -Infinity;
    if (p === 0) return j === 0 ? 0 : -Infinity;
    return this.logChoose(m, j) + j * Math.log(p) + (m - j) * Math.log1p(-p);
  }

  /**
   * log P(opened = o | k true matches). Without a binding cap, the k matches always open and each of the n − k others
   * opens with probability s: Bin(o − k; n − k, s). With one, sum over the synthetic count S of P(S) times the
   * hypergeometric chance that S − (o − k) of the S synthetic vouchers replaced matches.
   */
  logLikelihood(opened: number, k: number): number {
    const { photos: n, syntheticRate: s } = this.model;
    if (k < 0 || k > n || opened < k || opened > n) return -Infinity;
    if (!this.capped) return this.logBinomial(opened - k, n - k, s);
    const others = opened - k;
    const terms: number[] = [];
    for (let S = others; S < this.logSyntheticPmf.length; S++) {
      const replaced = S - others;
      if (replaced > k) break;
      terms.push(
        this.logSyntheticPmf[S]! + this.logChoose(k, replaced) + this.logChoose(n - k, others) - this.logChoose(n, S),
      );
    }
    return logSumExp(terms);
  }

  /** log P(o | k) for k = 0 … min(o, n), cached per o. */
  logLikelihoods(opened: number): Float64Array {
    let out = this.cache.get(opened);
    if (!out) {
      out = Float64Array.from({ length: Math.min(opened, this.model.photos) + 1 }, (_, k) =>
        this.logLikelihood(opened, k),
      );
      this.cache.set(opened, out);
    }
    return out;
  }
}

/** (o − E[S]) / (1 − E[S]/n): unbiased without a cap, where it is (o − s·n)/(1 − s). */
export function momentEstimate(l: OpenedCountLikelihood, opened: number): number {
  return (opened - l.expectedSynthetic) / (1 - l.expectedSynthetic / l.model.photos);
}

/** The k that makes the observed count most likely (the smallest such k on ties). */
export function maximumLikelihoodEstimate(l: OpenedCountLikelihood, opened: number): number {
  const ll = l.logLikelihoods(opened);
  let best = 0;
  for (let k = 1; k < ll.length; k++) if (ll[k]! > ll[best]!) best = k;
  return best;
}

/** E[k | o] under `prior` (prior[k] ∝ P(k)); the least mean-squared-error estimate when the prior is the truth. */
export function posteriorMeanEstimate(l: OpenedCountLikelihood, opened: number, prior: readonly number[]): number {
  const ll = l.logLikelihoods(opened);
  const logs = Array.from({ length: Math.min(ll.length, prior.length) }, (_, k) => ll[k]! + Math.log(prior[k]!));
  const norm = logSumExp(logs);
  if (norm === -Infinity) return momentEstimate(l, opened);
  return logs.reduce((acc, v, k) => acc + k * Math.exp(v - norm), 0);
}
