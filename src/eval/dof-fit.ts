// Daugman's effective-degrees-of-freedom binomial fit of unrelated-pair distances, to extrapolate FPR below what
// the sample resolves. Assumption (stated with every result): the fractional Hamming distance of two unrelated
// images behaves like the mean of N independent fair-ish coin flips, N = p(1 − p)/σ², fewer than nbits because bits correlate.
import { binomialCdf } from './binomial.js';
import { countAtMost, mean, total, variance, type DistanceHistogram } from './histogram.js';

export interface DofFit {
  /** Mean fractional distance of unrelated pairs. */
  readonly p: number;
  /** Effective number of independent bits. */
  readonly dof: number;
  /** Kolmogorov–Smirnov distance between the observed and fitted distribution of distances. */
  readonly ks: number;
  readonly assumption: string;
}

export const DOF_ASSUMPTION =
  'unrelated-pair fractional Hamming distances follow Binomial(N, p)/N with N = p(1-p)/sigma^2 effective independent bits (Daugman); extrapolation below the sampled range relies on it';

/** FPR(τ) predicted by the fit: P[HD/nbits ≤ τ/nbits] = P[Bin(N, p) ≤ N·τ/nbits]. */
export function fittedFpr(fit: DofFit, nbits: number, tau: number): number {
  return binomialCdf((fit.dof * tau) / nbits, fit.dof, fit.p);
}

export function fitDof(unrelated: DistanceHistogram): DofFit {
  const n = unrelated.nbits;
  const p = mean(unrelated) / n;
  const sigma2 = variance(unrelated) / (n * n);
  const dof = sigma2 > 0 ? (p * (1 - p)) / sigma2 : Infinity;
  const fit = { p, dof, ks: 0, assumption: DOF_ASSUMPTION };
  const N = total(unrelated);
  let ks = 0;
  for (let t = 0; t <= n; t++) {
    ks = Math.max(ks, Math.abs(countAtMost(unrelated, t) / N - fittedFpr(fit, n, t)));
  }
  return { ...fit, ks };
}
