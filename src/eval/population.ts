// Population-scale false-flag estimates: per-photo false match against a database, per-account false flags per year,
// and the reverse questions (which threshold keeps the per-account rate below a target).
import { betaBinomialLogTail, betaBinomialTail } from './beta-binomial.js';
import { binomialTailAtLeast, type Proportion } from './binomial.js';

export const INDEPENDENCE_ASSUMPTION =
  "each of the D database hashes is an independent chance of a false match (p = 1 - (1 - FPR)^D), and an account's photos are independent of each other";

export const CORRELATION_ASSUMPTION =
  "an account's photos share one false-match probability drawn from a beta distribution with mean p and intra-account correlation rho (beta-binomial; rho = 0 is independence): accounts full of similar photos (bursts, screenshots, one scene) match together";

/** Comparisons a matcher makes per photo and database entry: 1, or 8 when it tries every rotation and mirror (PDQ). */
export const DIHEDRAL_COMPARISONS = 8;

/** A value with its interval, carried through a monotone function from an FPR interval. */
export interface Estimate {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * Per-photo false-match probability against D hashes, each compared `comparisons` times (8 for dihedral matching):
 * 1 − (1 − FPR)^(D·comparisons), computed without cancellation.
 */
export function perPhotoFalseMatch(fpr: number, dbSize: number, comparisons = 1): number {
  if (fpr >= 1) return 1;
  return -Math.expm1(dbSize * comparisons * Math.log1p(-fpr));
}

/**
 * Probability that an account with n photos a year reaches t false matches: P[Bin(n, p) ≥ t], or with intra-account
 * correlation ρ > 0 the beta-binomial tail (see beta-binomial.ts).
 */
export function perAccountFalseFlag(pPhoto: number, photosPerYear: number, accountThreshold: number, rho = 0): number {
  if (rho === 0) return binomialTailAtLeast(accountThreshold, photosPerYear, pPhoto);
  return betaBinomialTail(accountThreshold, photosPerYear, pPhoto, rho);
}

/** log10 of perAccountFalseFlag, finite far below the smallest double. */
export function perAccountLog10FalseFlag(
  pPhoto: number,
  photosPerYear: number,
  accountThreshold: number,
  rho = 0,
): number {
  return betaBinomialLogTail(accountThreshold, photosPerYear, pPhoto, rho) / Math.LN10;
}

/**
 * The largest photos-per-year n whose per-account false-flag probability stays at most the target (it grows with n;
 * n < t never flags, so the answer is at least t − 1), Infinity when none exceeds it below 2^52, null when t ≤ 0 and
 * the target is below 1. Exponential then binary search over integers.
 */
export function maxPhotosPerYear(pPhoto: number, accountThreshold: number, target: number, rho = 0): number | null {
  if (accountThreshold <= 0) return target >= 1 ? Infinity : null;
  const over = (n: number): boolean => perAccountFalseFlag(pPhoto, n, accountThreshold, rho) > target;
  let lo = accountThreshold - 1;
  let hi = 2 * accountThreshold;
  while (!over(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > Number.MAX_SAFE_INTEGER / 2) return Infinity;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (over(mid)) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** Both quantities with intervals: the maps are increasing in FPR, so interval ends map to interval ends. */
export function populationEstimate(
  fpr: Pick<Proportion, 'estimate' | 'lower' | 'upper'>,
  dbSize: number,
  photosPerYear: number,
  accountThreshold: number,
  rho = 0,
  comparisons = 1,
): { perPhoto: Estimate; perAccount: Estimate } {
  const photo = (f: number): number => perPhotoFalseMatch(f, dbSize, comparisons);
  const account = (f: number): number => perAccountFalseFlag(photo(f), photosPerYear, accountThreshold, rho);
  return {
    perPhoto: { estimate: photo(fpr.estimate), lower: photo(fpr.lower), upper: photo(fpr.upper) },
    perAccount: { estimate: account(fpr.estimate), lower: account(fpr.lower), upper: account(fpr.upper) },
  };
}

/** The smallest account threshold t whose per-account false-flag rate is at most the target (null if none ≤ n). */
export function minAccountThreshold(pPhoto: number, photosPerYear: number, target: number, rho = 0): number | null {
  let lo = 1;
  let hi = photosPerYear;
  if (perAccountFalseFlag(pPhoto, photosPerYear, hi, rho) > target) return null;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (perAccountFalseFlag(pPhoto, photosPerYear, mid, rho) <= target) hi = mid;
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
  rho = 0,
  comparisons = 1,
): number | null {
  let best: number | null = null;
  for (let tau = 0; tau <= maxTau; tau++) {
    const pPhoto = perPhotoFalseMatch(fprAt(tau), dbSize, comparisons);
    const rate = perAccountFalseFlag(pPhoto, photosPerYear, accountThreshold, rho);
    if (rate <= target) best = tau;
    else break;
  }
  return best;
}
