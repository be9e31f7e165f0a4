// The published population claims, recomputed: Apple's "less than one in one trillion per account per year" with an
// account threshold of 30, and Meta's PDQ match threshold of 31 bits. Each comes with the assumptions that make it
// true and the sensitivity to what breaks them (intra-account correlation, dihedral comparisons, database size,
// heavy uploaders). Pure arithmetic: no run needed.
import { maxPhotosPerYear, perAccountLog10FalseFlag } from './population.js';

/** Apple's target and threshold (Security Threat Model Review of Apple's Child Safety Features, August 2021). */
export const APPLE_TARGET = 1e-12;
export const APPLE_ACCOUNT_THRESHOLD = 30;
/** The per-photo false-match rate the check assumes (a conservative one in a million). */
export const APPLE_PHOTO_FPR = 1e-6;
/** ThreatExchange's PDQ matching threshold (pdq/README: distance ≤ 31 of 256 bits). */
export const META_PDQ_THRESHOLD = 31;

/** The correlations the claims are stress-tested with. */
export const CLAIM_CORRELATIONS = [0, 1e-5, 1e-4, 1e-3] as const;

export interface ClaimRow {
  readonly correlation: number;
  readonly dihedral: boolean;
  /** log10 P(account flagged in a year) at each photo volume of `CLAIM_VOLUMES`. */
  readonly log10AtVolume: readonly number[];
  /** Largest photos a year that keep the probability ≤ the target. */
  readonly maxPhotosPerYear: number | null;
}

export const CLAIM_VOLUMES = [1e3, 1e4, 1e5, 1e6] as const;

/** Apple's check for each correlation, with and without eight dihedral comparisons per photo. */
export function appleClaimRows(
  photoFpr = APPLE_PHOTO_FPR,
  accountThreshold = APPLE_ACCOUNT_THRESHOLD,
  target = APPLE_TARGET,
): ClaimRow[] {
  return [false, true].flatMap((dihedral) =>
    CLAIM_CORRELATIONS.map((correlation) => {
      const p = dihedral ? -Math.expm1(8 * Math.log1p(-photoFpr)) : photoFpr;
      return {
        correlation,
        dihedral,
        log10AtVolume: CLAIM_VOLUMES.map((n) => perAccountLog10FalseFlag(p, n, accountThreshold, correlation)),
        maxPhotosPerYear: maxPhotosPerYear(p, accountThreshold, target, correlation),
      };
    }),
  );
}

/** Photo volumes 10^3..10^8 (five a decade) for the sensitivity chart. */
export const CHART_VOLUMES: readonly number[] = Array.from({ length: 26 }, (_, i) => Math.round(10 ** (3 + i / 5)));

/** log10 P(account flagged) against photos a year, one curve per correlation. */
export function appleClaimCurves(
  photoFpr = APPLE_PHOTO_FPR,
  accountThreshold = APPLE_ACCOUNT_THRESHOLD,
): { correlation: number; photosPerYear: number; log10Probability: number }[] {
  return CLAIM_CORRELATIONS.flatMap((correlation) =>
    CHART_VOLUMES.map((photosPerYear) => ({
      correlation,
      photosPerYear,
      log10Probability: perAccountLog10FalseFlag(photoFpr, photosPerYear, accountThreshold, correlation),
    })),
  );
}

export const APPLE_ASSUMPTIONS: readonly string[] = [
  `every photo falsely matches the database with the same probability p = ${APPLE_PHOTO_FPR} (one in a million), whatever the photo`,
  "an account's photos are independent: one false match says nothing about the next (intra-account correlation ρ = 0)",
  'each photo is compared once per database entry (no rotations or mirror images)',
  'the account uploads a bounded number of photos a year: the check holds up to the volume in the last column, not beyond',
];

export const META_ASSUMPTIONS: readonly string[] = [
  `two unrelated photos' PDQ hashes are at most ${META_PDQ_THRESHOLD} bits apart with the FPR measured (or extrapolated) on a sample like the researcher's`,
  'each photo is compared with every database entry in its eight rotations and mirror images (dihedral matching), so it makes 8·D comparisons',
  "low-quality hashes (PDQ quality below 50: flat or tiny images) are dropped before matching, as ThreatExchange's tools do",
  'database entries are unrelated to each other and to the photo (no near-duplicate clusters of common images)',
];
