// Per-account false flags from a per-photo false-match rate the researcher states (no FPR run needed): the claims
// vendors make ("one in a trillion per account per year") can be recomputed, stress-tested for intra-account
// correlation and dihedral matching, and solved for the largest upload volume or smallest account threshold.
import {
  CORRELATION_ASSUMPTION,
  DIHEDRAL_COMPARISONS,
  maxPhotosPerYear,
  minAccountThreshold,
  perAccountFalseFlag,
  perAccountLog10FalseFlag,
} from './population.js';

export interface AccountFlagParams {
  /** Per-photo false-match probability against the whole database (one comparison per entry). */
  readonly photoFpr: number;
  readonly photosPerYear: number;
  readonly accountThreshold: number;
  /** Intra-account correlation ρ of false matches (0 = independent photos). */
  readonly correlation: number;
  /** Each photo is compared in its eight rotations and mirror images (PDQ's dihedral matching). */
  readonly dihedral: boolean;
  /** Target per-account probability for the reverse questions. */
  readonly target?: number;
}

export interface AccountFlagReport extends AccountFlagParams {
  /** Per-photo false-match probability after dihedral comparisons: 1 − (1 − p)^8, or p. */
  readonly perPhoto: number;
  readonly accountFlagProbability: number;
  /** log10 of it, finite where the probability itself underflows to 0. */
  readonly log10AccountFlagProbability: number;
  readonly reverse: {
    /** Largest photos per year that keep the probability ≤ target, and the first that does not. */
    readonly maxPhotosPerYear: number | null;
    readonly firstExceedingPhotosPerYear: number | null;
    /** Smallest account threshold meeting the target at this volume. */
    readonly minAccountThreshold: number | null;
  } | null;
  readonly assumptions: readonly string[];
}

export const PHOTO_INDEPENDENCE_ASSUMPTION =
  "an account's photos are independent of each other (binomial): one photo's false match says nothing about the next";

function probability(name: string, x: number): void {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`${name} must be a probability in [0, 1], not ${x}`);
}

export function accountFlagReport(params: AccountFlagParams): AccountFlagReport {
  probability('the per-photo false-match rate', params.photoFpr);
  probability('the correlation', params.correlation);
  if (!Number.isInteger(params.photosPerYear) || params.photosPerYear < 0)
    throw new RangeError(`photos per year must be a non-negative integer, not ${params.photosPerYear}`);
  if (!Number.isInteger(params.accountThreshold) || params.accountThreshold < 1)
    throw new RangeError(`the account threshold must be a positive integer, not ${params.accountThreshold}`);
  const perPhoto = params.dihedral ? -Math.expm1(DIHEDRAL_COMPARISONS * Math.log1p(-params.photoFpr)) : params.photoFpr;
  const { photosPerYear: n, accountThreshold: t, correlation: rho, target } = params;
  const max = target === undefined ? null : maxPhotosPerYear(perPhoto, t, target, rho);
  return {
    ...params,
    perPhoto,
    accountFlagProbability: perAccountFalseFlag(perPhoto, n, t, rho),
    log10AccountFlagProbability: perAccountLog10FalseFlag(perPhoto, n, t, rho),
    reverse:
      target === undefined
        ? null
        : {
            maxPhotosPerYear: max,
            firstExceedingPhotosPerYear: max === null || !Number.isFinite(max) ? null : max + 1,
            minAccountThreshold: n >= 1 ? minAccountThreshold(perPhoto, n, target, rho) : null,
          },
    assumptions: [
      rho === 0 ? PHOTO_INDEPENDENCE_ASSUMPTION : CORRELATION_ASSUMPTION,
      ...(params.dihedral
        ? [`every photo is compared ${DIHEDRAL_COMPARISONS} times (rotations and mirror images)`]
        : []),
    ],
  };
}
