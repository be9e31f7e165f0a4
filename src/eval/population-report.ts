// `scanlab stats population` as a library function: from a stored FPR histogram, the per-photo and per-account
// false-flag rates at a threshold, with intervals that respect the pairs' dependence when the run kept per-image
// histograms, the band of validated tail models beside them, and the reverse solves.
import { clopperPearson, type Proportion } from './binomial.js';
import { clusteredFprCurve, type ClusteredProportion } from './cluster.js';
import { fittedFpr, type DofFit } from './dof-fit.js';
import { countAtMost } from './histogram.js';
import type { ImageHistograms } from './image-histograms.js';
import {
  CORRELATION_ASSUMPTION,
  DIHEDRAL_COMPARISONS,
  INDEPENDENCE_ASSUMPTION,
  maxHashThreshold,
  maxPhotosPerYear,
  minAccountThreshold,
  perAccountLog10FalseFlag,
  perPhotoFalseMatch,
  populationEstimate,
  type Estimate,
} from './population.js';
import {
  fitTailModels,
  fprBand,
  validateTailModels,
  type FprBand,
  type TailModel,
  type TailValidationReport,
} from './tail-models.js';

export interface PopulationParams {
  readonly threshold: number;
  readonly dbSize: number;
  readonly photosPerYear: number;
  readonly accountThreshold: number;
  /** Intra-account correlation ρ (beta-binomial); 0 or absent = independent photos. */
  readonly correlation?: number;
  /** Each photo is compared in its 8 rotations/mirror images against every entry (PDQ dihedral matching). */
  readonly dihedral?: boolean;
  /** Optional target per-account false-flag rate for the reverse questions. */
  readonly target?: number;
}

/** The histogram a population report reads: an FPR run's algorithm entry. */
export interface PopulationInput {
  readonly nbits: number;
  readonly counts: readonly number[];
  /** Per-image histograms (runs that kept them): intervals then account for pairs sharing images. */
  readonly images?: ImageHistograms;
}

export interface PopulationReport extends PopulationParams {
  readonly algo: string;
  readonly nbits: number;
  /** Clopper–Pearson on raw pairs: assumes independent pairs. */
  readonly fpr: Proportion;
  /** The cluster-jackknife interval, when the run kept per-image histograms. */
  readonly fprClustered: ClusteredProportion | null;
  /** Carried from the clustered interval when there is one, else from the raw-pair interval. */
  readonly perPhoto: Estimate;
  readonly perAccount: Estimate;
  /** Which FPR interval perPhoto and perAccount carry. */
  readonly intervalBasis: 'cluster-jackknife' | 'independent-pairs';
  /** The effective-DoF fit's point values (one of the tail models; kept for comparison, never a headline). */
  readonly fitted: {
    readonly fpr: number;
    readonly perPhoto: number;
    readonly perAccount: number;
    readonly dof: DofFit;
  } | null;
  /** The band across validated tail models at τ, carried to per-account probabilities (log10). */
  readonly extrapolation: {
    readonly fpr: FprBand;
    readonly log10PerAccount: readonly [number, number];
    readonly validation: TailValidationReport;
  } | null;
  readonly reverse: {
    /** Largest τ meeting the target using the upper 95% bound of the measured FPR (conservative). */
    readonly maxThresholdMeasured: number | null;
    /** Largest τ meeting the target using the upper end of the model band, which extends below the sample's resolution. */
    readonly maxThresholdFitted: number | null;
    /** Smallest account threshold t meeting the target at this τ (upper FPR bound). */
    readonly minAccountThreshold: number | null;
    /** Largest photos per year meeting the target at this τ and t (upper FPR bound). */
    readonly maxPhotosPerYear: number | null;
  } | null;
  readonly assumptions: readonly string[];
}

/** What depends only on the histogram, computed once per input (the report asks for many scenarios of one run). */
interface Derived {
  readonly clustered: ClusteredProportion[] | null;
  readonly models: TailModel[];
  readonly validation: TailValidationReport;
}
const derivedCache = new WeakMap<PopulationInput, Derived>();

function derived(input: PopulationInput): Derived {
  const cached = derivedCache.get(input);
  if (cached) return cached;
  const hist = { nbits: input.nbits, counts: input.counts };
  const d = {
    clustered: input.images ? clusteredFprCurve(input.images) : null,
    models: fitTailModels(hist, input.images),
    validation: validateTailModels(hist, input.images),
  };
  derivedCache.set(input, d);
  return d;
}

export function populationReport(
  algo: string,
  histogram: PopulationInput,
  dof: DofFit | null,
  params: PopulationParams,
): PopulationReport {
  const n = histogram.counts.reduce((s, c) => s + c, 0);
  if (n === 0) throw new RangeError(`the FPR run has no ${algo} pairs`);
  if (params.threshold < 0 || params.threshold > histogram.nbits)
    throw new RangeError(`threshold must be within 0..${histogram.nbits}`);
  const rho = params.correlation ?? 0;
  const comparisons = params.dihedral ? DIHEDRAL_COMPARISONS : 1;
  const hist = { nbits: histogram.nbits, counts: histogram.counts };
  const measuredAt = (tau: number): Proportion => clopperPearson(countAtMost(hist, tau), n);
  const { clustered, models, validation } = derived(histogram);
  const upperAt = (tau: number): number => clustered?.[tau]?.upper ?? measuredAt(tau).upper;
  const fpr = measuredAt(params.threshold);
  const fprClustered = clustered?.[params.threshold] ?? null;
  const carried = fprClustered ?? fpr;
  const { perPhoto, perAccount } = populationEstimate(
    carried,
    params.dbSize,
    params.photosPerYear,
    params.accountThreshold,
    rho,
    comparisons,
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
            rho,
            comparisons,
          );
          return { fpr: f, perPhoto: est.perPhoto.estimate, perAccount: est.perAccount.estimate, dof };
        })()
      : null;
  const band = fprBand(models, validation, params.threshold);
  const accountLog10 = (log10Fpr: number): number =>
    perAccountLog10FalseFlag(
      perPhotoFalseMatch(10 ** log10Fpr, params.dbSize, comparisons),
      params.photosPerYear,
      params.accountThreshold,
      rho,
    );
  const extrapolation = band
    ? {
        fpr: band,
        log10PerAccount: [accountLog10(band.log10Lower), accountLog10(band.log10Upper)] as const,
        validation,
      }
    : null;
  /** The reverse solves for a target per-account rate, from the measured upper bounds and from the fitted tail. */
  const reverseSolves = (target: number): NonNullable<PopulationReport['reverse']> => {
    const largestThreshold = (fprAt: (tau: number) => number): number | null =>
      maxHashThreshold(
        fprAt,
        histogram.nbits,
        params.dbSize,
        params.photosPerYear,
        params.accountThreshold,
        target,
        rho,
        comparisons,
      );
    const pPhoto = perPhotoFalseMatch(carried.upper, params.dbSize, comparisons);
    return {
      maxThresholdMeasured: largestThreshold(upperAt),
      maxThresholdFitted:
        models.length > 0 ? largestThreshold((t) => 10 ** (fprBand(models, validation, t)?.log10Upper ?? 0)) : null,
      minAccountThreshold: minAccountThreshold(pPhoto, params.photosPerYear, target, rho),
      maxPhotosPerYear: maxPhotosPerYear(pPhoto, params.accountThreshold, target, rho),
    };
  };
  const reverse = params.target === undefined ? null : reverseSolves(params.target);
  return {
    ...params,
    algo,
    nbits: histogram.nbits,
    fpr,
    fprClustered,
    perPhoto,
    perAccount,
    intervalBasis: fprClustered ? 'cluster-jackknife' : 'independent-pairs',
    fitted,
    extrapolation,
    reverse,
    assumptions: [
      rho === 0 ? INDEPENDENCE_ASSUMPTION : CORRELATION_ASSUMPTION,
      ...(params.dihedral
        ? [`every photo is compared ${DIHEDRAL_COMPARISONS} times (rotations and mirror images)`]
        : []),
      ...models.map((m) => `${m.id}: ${m.assumption}`),
    ],
  };
}
