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

/** Fewest unrelated pairs a DoF fit is computed from: below it the spread is noise, not a distribution. */
export const MIN_DOF_PAIRS = 10;

/** Why a histogram cannot support a DoF fit, or null when it can. */
export function dofProblem(unrelated: DistanceHistogram): string | null {
  const pairs = total(unrelated);
  if (pairs < MIN_DOF_PAIRS) return `too few pairs for a fit (${pairs} < ${MIN_DOF_PAIRS})`;
  const p = mean(unrelated) / unrelated.nbits;
  if (!(variance(unrelated) > 0) || p <= 0 || p >= 1)
    return 'degenerate: every pair at the same distance, so no spread to fit';
  return null;
}

/** The fit, or no fit and the reason: a degenerate histogram is reported as such, never as NaN. */
export function dofOrProblem(unrelated: DistanceHistogram): { dof: DofFit | null; dofProblem?: string } {
  const problem = dofProblem(unrelated);
  return problem === null ? { dof: fitDof(unrelated) } : { dof: null, dofProblem: problem };
}
