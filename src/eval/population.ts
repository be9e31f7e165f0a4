// Population-scale false-flag estimates: per-photo false match against a database, per-account false flags per year,
// and the reverse questions (which threshold keeps the per-account rate below a target).
import { binomialTailAtLeast, type Proportion } from './binomial.js';

export const INDEPENDENCE_ASSUMPTION =
  "each of the D database hashes is an independent chance of a false match (p = 1 - (1 - FPR)^D), and an account's photos are independent of each other";

/** A value with its interval, carried through a monotone function from an FPR interval. */
export interface Estimate {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/** Per-photo false-match probability against D hashes: 1 − (1 − FPR)^D, computed without cancellation. */
export function perPhotoFalseMatch(fpr: number, dbSize: number): number {
  if (fpr >= 1) return 1;
  return -Math.expm1(dbSize * Math.log1p(-fpr));
}

/** Probability that an account with n photos a year reaches t false matches: P[Bin(n, p) ≥ t]. */
export function perAccountFalseFlag(pPhoto: number, photosPerYear: number, accountThreshold: number): number {
  return binomialTailAtLeast(accountThreshold, photosPerYear, pPhoto);
}

/** Both quantities with intervals: the maps are increasing in FPR, so interval ends map to interval ends. */
export function populationEstimate(
  fpr: Pick<Proportion, 'estimate' | 'lower' | 'upper'>,
  dbSize: number,
  photosPerYear: number,
  accountThreshold: number,
): { perPhoto: Estimate; perAccount: Estimate } {
  const photo = (f: number): number => perPhotoFalseMatch(f, dbSize);
  const account = (f: number): number => perAccountFalseFlag(photo(f), photosPerYear, accountThreshold);
  return {
    perPhoto: { estimate: photo(fpr.estimate), lower: photo(fpr.lower), upper: photo(fpr.upper) },
    perAccount: { estimate: account(fpr.estimate), lower: account(fpr.lower), upper: account(fpr.upper) },
  };
}

/** The smallest account threshold t whose per-account false-flag rate is at most the target (null if none ≤ n). */
export function minAccountThreshold(pPhoto: number, photosPerYear: number, target: number): number | null {
  let lo = 1;
  let hi = photosPerYear;
  if (perAccountFalseFlag(pPhoto, photosPerYear, hi) > target) return null;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (perAccountFalseFlag(pPhoto, photosPerYear, mid) <= target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The largest hash threshold τ whose per-account false-flag rate stays at most the target, given FPR(τ) for each τ
 * (pass the upper interval bound, or a fitted model, to be conservative). FPR must be non-decreasing in τ.
 */
export function maxHashThreshold(
  fprAt: (tau: number) => number,
  maxTau: number,
  dbSize: number,
  photosPerYear: number,
  accountThreshold: number,
  target: number,
): number | null {
  let best: number | null = null;
  for (let tau = 0; tau <= maxTau; tau++) {
    const rate = perAccountFalseFlag(perPhotoFalseMatch(fprAt(tau), dbSize), photosPerYear, accountThreshold);
    if (rate <= target) best = tau;
    else break;
  }
  return best;
}
