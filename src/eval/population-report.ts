// `scanlab stats population` as a library function: from a stored FPR histogram, the per-photo and per-account
// false-flag rates at a threshold, with intervals, the DoF extrapolation beside them, and the reverse solves.
import { clopperPearson, type Proportion } from './binomial.js';
import { fittedFpr, type DofFit } from './dof-fit.js';
import { countAtMost } from './histogram.js';
import {
  INDEPENDENCE_ASSUMPTION,
  maxHashThreshold,
  minAccountThreshold,
  perPhotoFalseMatch,
  populationEstimate,
  type Estimate,
} from './population.js';

export interface PopulationParams {
  readonly threshold: number;
  readonly dbSize: number;
  readonly photosPerYear: number;
  readonly accountThreshold: number;
  /** Optional target per-account false-flag rate for the reverse questions. */
  readonly target?: number;
}

export interface PopulationReport extends PopulationParams {
  readonly algo: string;
  readonly nbits: number;
  readonly fpr: Proportion;
  readonly perPhoto: Estimate;
  readonly perAccount: Estimate;
  /** The same quantities from the effective-DoF binomial fit (point values; the model's own error is not an interval). */
  readonly fitted: {
    readonly fpr: number;
    readonly perPhoto: number;
    readonly perAccount: number;
    readonly dof: DofFit;
  } | null;
  readonly reverse: {
    /** Largest τ meeting the target using the upper 95% bound of the measured FPR (conservative). */
    readonly maxThresholdMeasured: number | null;
    /** Largest τ meeting the target using the DoF fit, which extends below the sample's resolution. */
    readonly maxThresholdFitted: number | null;
    /** Smallest account threshold t meeting the target at this τ (upper FPR bound). */
    readonly minAccountThreshold: number | null;
  } | null;
  readonly assumptions: readonly string[];
}

export function populationReport(
  algo: string,
  histogram: { readonly nbits: number; readonly counts: readonly number[] },
  dof: DofFit | null,
  params: PopulationParams,
): PopulationReport {
  const n = histogram.counts.reduce((s, c) => s + c, 0);
  if (n === 0) throw new RangeError(`the FPR run has no ${algo} pairs`);
  if (params.threshold < 0 || params.threshold > histogram.nbits)
    throw new RangeError(`threshold must be within 0..${histogram.nbits}`);
  const measuredAt = (tau: number): Proportion =>
    clopperPearson(countAtMost({ nbits: histogram.nbits, counts: histogram.counts }, tau), n);
  const fpr = measuredAt(params.threshold);
  const { perPhoto, perAccount } = populationEstimate(
    fpr,
    params.dbSize,
    params.photosPerYear,
    params.accountThreshold,
  );
  const fitted =
    dof && Number.isFinite(dof.dof)
      ? (() => {
          const f = fittedFpr(dof, histogram.nbits, params.threshold);
          const est = populationEstimate(
            { estimate: f, lower: f, upper: f },
            params.dbSize,
            params.photosPerYear,
            params.accountThreshold,
          );
          return { fpr: f, perPhoto: est.perPhoto.estimate, perAccount: est.perAccount.estimate, dof };
        })()
      : null;
  const reverse =
    params.target === undefined
      ? null
      : {
          maxThresholdMeasured: maxHashThreshold(
            (t) => measuredAt(t).upper,
            histogram.nbits,
            params.dbSize,
            params.photosPerYear,
            params.accountThreshold,
            params.target,
          ),
          maxThresholdFitted: fitted
            ? maxHashThreshold(
                (t) => fittedFpr(fitted.dof, histogram.nbits, t),
                histogram.nbits,
                params.dbSize,
                params.photosPerYear,
                params.accountThreshold,
                params.target,
              )
            : null,
          minAccountThreshold: minAccountThreshold(
            perPhotoFalseMatch(fpr.upper, params.dbSize),
            params.photosPerYear,
            params.target,
          ),
        };
  return {
    ...params,
    algo,
    nbits: histogram.nbits,
    fpr,
    perPhoto,
    perAccount,
    fitted,
    reverse,
    assumptions: [INDEPENDENCE_ASSUMPTION, ...(fitted ? [fitted.dof.assumption] : [])],
  };
}
