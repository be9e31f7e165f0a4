// What a report can be asked for: operating thresholds and the population-scale scenarios it tabulates and plots.
import { thresholdFor } from '../eval/thresholds.js';

export interface ReportOptions {
  readonly title?: string;
  /** Operating thresholds by algorithm; others get `defaultThreshold`. */
  readonly thresholds?: Readonly<Record<string, number>>;
  /** Database sizes D for population-scale estimates. */
  readonly dbSizes?: readonly number[];
  /** Photos per account per year n. */
  readonly photoVolumes?: readonly number[];
  /** Account thresholds t tabulated (the charts run t over 1..maxAccountThreshold). */
  readonly accountThresholds?: readonly number[];
  readonly maxAccountThreshold?: number;
  /** Intra-account correlations ρ of false matches (beta-binomial; 0 = independent photos). */
  readonly correlations?: readonly number[];
  /** Fixed generation time (tests, reproducible output); default now. */
  readonly now?: Date;
}

export interface ResolvedReportOptions {
  readonly title: string;
  readonly thresholds: Readonly<Record<string, number>>;
  readonly dbSizes: readonly number[];
  readonly photoVolumes: readonly number[];
  readonly accountThresholds: readonly number[];
  readonly maxAccountThreshold: number;
  readonly correlations: readonly number[];
  readonly now: Date;
  /** The operating threshold of an algorithm. */
  readonly thresholdOf: (algo: string) => number;
  /** Whether the threshold was given by the user rather than the algorithm's default. */
  readonly thresholdOverridden: (algo: string) => boolean;
}

export const DEFAULT_DB_SIZES = [1e6, 1e7, 1e8] as const;
export const DEFAULT_PHOTO_VOLUMES = [1e3, 1e4] as const;
export const DEFAULT_ACCOUNT_THRESHOLDS = [1, 3, 10, 30] as const;
export const DEFAULT_CORRELATIONS = [0] as const;

export function resolveReportOptions(o: ReportOptions = {}): ResolvedReportOptions {
  const thresholds = { ...(o.thresholds ?? {}) };
  return {
    title: o.title ?? 'scanlab evaluation report',
    thresholds,
    dbSizes: o.dbSizes ?? DEFAULT_DB_SIZES,
    photoVolumes: o.photoVolumes ?? DEFAULT_PHOTO_VOLUMES,
    accountThresholds: o.accountThresholds ?? DEFAULT_ACCOUNT_THRESHOLDS,
    maxAccountThreshold: o.maxAccountThreshold ?? 30,
    correlations: o.correlations ?? DEFAULT_CORRELATIONS,
    now: o.now ?? new Date(),
    thresholdOf: (algo) => thresholdFor(algo, thresholds),
    thresholdOverridden: (algo) => thresholds[algo] !== undefined,
  };
}
