// Models of the lower tail of unrelated-pair distances, to extrapolate FPR(τ) below what a sample resolves, each
// validated out of sample: fitted without the lowest thresholds, then asked to predict their measured FPR. An
// extrapolation is then a band across the models, widened by each model's demonstrated predictive error.
import { betaBinomialLogTail } from './beta-binomial.js';
import { DOF_ASSUMPTION } from './dof-fit.js';
import { countAtMost, total, type DistanceHistogram } from './histogram.js';
import type { ImageHistograms } from './image-histograms.js';
import { logBetaInc } from './special.js';

export type TailModelId = 'dof-binomial' | 'beta-binomial' | 'image-mixture' | 'lower-tail-power';

/** A fitted model of FPR(τ) = P[distance ≤ τ], computed in log space so that far tails never print as 0. */
export interface TailModel {
  readonly id: TailModelId;
  readonly assumption: string;
  /** ln FPR(τ); −Infinity only when the model gives exactly zero. */
  readonly logFpr: (tau: number) => number;
  /** The fitted parameters, for the record. */
  readonly params: Readonly<Record<string, number>>;
}

export const TAIL_MODEL_ASSUMPTIONS: Record<TailModelId, string> = {
  'dof-binomial': DOF_ASSUMPTION,
  'beta-binomial':
    'each unrelated pair flips its bits with its own probability q ~ Beta (a mixture over pairs and images), all nbits bits independent given q; mean and variance matched to the sample: the same first two moments as the DoF binomial, a different tail',
  'image-mixture':
    "a mixture over images: each image has its own effective-DoF binomial (mean and spread of its own unrelated pairs), and FPR is the pair-weighted average of the images' tails, so images that sit close to many others (flat, dark, low-detail) carry the tail",
  'lower-tail-power':
    'extreme-value (Weibull-domain) lower tail: FPR(τ) ∝ (τ + 1)^k near the bottom of the distance range, fitted to the lowest thresholds the sample resolves',
};

const LN10 = Math.log(10);

/** Mean and variance of the distances at or above `cut` (the held-out lower bins removed). */
function truncatedMoments(h: DistanceHistogram, cut: number): { n: number; mean: number; variance: number } {
  let n = 0;
  let s = 0;
  for (let d = cut; d <= h.nbits; d++) {
    n += h.counts[d]!;
    s += h.counts[d]! * d;
  }
  const mean = n > 0 ? s / n : NaN;
  let v = 0;
  for (let d = cut; d <= h.nbits; d++) v += h.counts[d]! * (d - mean) ** 2;
  return { n, mean, variance: n > 0 ? v / n : NaN };
}

/** Daugman's effective-DoF binomial from the moments of the distances ≥ cut. */
function dofModel(h: DistanceHistogram, cut: number): TailModel | null {
  const { mean, variance } = truncatedMoments(h, cut);
  const p = mean / h.nbits;
  const sigma2 = variance / (h.nbits * h.nbits);
  if (!(p > 0 && p < 1 && sigma2 > 0)) return null;
  const dof = (p * (1 - p)) / sigma2;
  return {
    id: 'dof-binomial',
    assumption: TAIL_MODEL_ASSUMPTIONS['dof-binomial'],
    params: { p, dof },
    // P[Bin(N, p) ≤ k] = I_{1−p}(N − k, k + 1), continuous in k = N·τ/nbits.
    logFpr: (tau) => {
      const k = (dof * tau) / h.nbits;
      return k >= dof ? 0 : logBetaInc(1 - p, dof - k, k + 1);
    },
  };
}

/** Beta-binomial over the nbits bits, intra-pair bit correlation ρ from the overdispersion of the distances ≥ cut. */
function betaBinomialModel(h: DistanceHistogram, cut: number): TailModel | null {
  const { mean, variance } = truncatedMoments(h, cut);
  const n = h.nbits;
  const p = mean / n;
  if (!(p > 0 && p < 1)) return null;
  const rho = (variance / (n * p * (1 - p)) - 1) / (n - 1);
  if (!(rho > 0 && rho < 1)) return null;
  return {
    id: 'beta-binomial',
    assumption: TAIL_MODEL_ASSUMPTIONS['beta-binomial'],
    params: { p, rho },
    // P[X ≤ τ] = P[nbits − X ≥ nbits − τ], and nbits − X is beta-binomial with mean 1 − p and the same ρ.
    logFpr: (tau) => (tau >= n ? 0 : betaBinomialLogTail(n - Math.floor(tau), n, 1 - p, rho)),
  };
}

/** ln Σ exp(x_i + w_i) without overflow. */
function logSumExp(terms: readonly number[]): number {
  const m = Math.max(...terms);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(terms.reduce((s, x) => s + Math.exp(x - m), 0));
}

/** Per-image effective-DoF binomials (moments of each image's pairs at distances ≥ cut), averaged with pair weights. */
function imageMixtureModel(images: ImageHistograms, cut: number): TailModel | null {
  const parts: { logWeight: number; p: number; dof: number }[] = [];
  let pairs = 0;
  for (const img of images.images) {
    let n = 0;
    let s = 0;
    let s2 = 0;
    img.counts.forEach((c, k) => {
      const d = img.offset + k;
      if (d < cut) return;
      n += c;
      s += c * d;
      s2 += c * d * d;
    });
    if (n < 2) continue;
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    const p = mean / images.nbits;
    const sigma2 = variance / (images.nbits * images.nbits);
    if (!(p > 0 && p < 1 && sigma2 > 0)) continue;
    parts.push({ logWeight: Math.log(n), p, dof: (p * (1 - p)) / sigma2 });
    pairs += n;
  }
  if (parts.length < 2) return null;
  const logTotal = Math.log(pairs);
  return {
    id: 'image-mixture',
    assumption: TAIL_MODEL_ASSUMPTIONS['image-mixture'],
    params: { images: parts.length },
    logFpr: (tau) =>
      logSumExp(
        parts.map((q) => {
          const k = (q.dof * tau) / images.nbits;
          return q.logWeight - logTotal + (k >= q.dof ? 0 : logBetaInc(1 - q.p, q.dof - k, k + 1));
        }),
      ),
  };
}

/** Fewest pairs at or below a threshold for it to count as resolved (Poisson relative error ≈ 1/√k ≈ 0.3). */
export const RESOLVED_COUNT = 10;

/**
 * Power law in (τ + 1) through the lowest resolved thresholds ≥ cut (weighted least squares on ln FPR, weights k),
 * over the lower tail only (FPR ≤ 1e-2, or at least the first three resolved thresholds).
 */
function powerModel(h: DistanceHistogram, cut: number): TailModel | null {
  const n = total(h);
  const pts: { x: number; y: number; w: number }[] = [];
  for (let t = cut; t <= h.nbits; t++) {
    const k = countAtMost(h, t);
    if (k < RESOLVED_COUNT) continue;
    if (pts.length >= 3 && k / n > 1e-2) break;
    pts.push({ x: Math.log(t + 1), y: Math.log(k / n), w: k });
  }
  if (pts.length < 2) return null;
  const W = pts.reduce((s, q) => s + q.w, 0);
  const mx = pts.reduce((s, q) => s + q.w * q.x, 0) / W;
  const my = pts.reduce((s, q) => s + q.w * q.y, 0) / W;
  const sxx = pts.reduce((s, q) => s + q.w * (q.x - mx) ** 2, 0);
  const sxy = pts.reduce((s, q) => s + q.w * (q.x - mx) * (q.y - my), 0);
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  return {
    id: 'lower-tail-power',
    assumption: TAIL_MODEL_ASSUMPTIONS['lower-tail-power'],
    params: { exponent: slope, logScale: intercept, fromThreshold: Math.round(Math.exp(pts[0]!.x) - 1) },
    logFpr: (tau) => Math.min(0, intercept + slope * Math.log(Math.max(tau, 0) + 1)),
  };
}

/**
 * The models fitted to the histogram's distances ≥ cut (cut = 0: all of them); those the data cannot support drop out.
 * The image mixture needs the run's per-image histograms.
 */
export function fitTailModels(h: DistanceHistogram, images?: ImageHistograms, cut = 0): TailModel[] {
  return [
    dofModel(h, cut),
    betaBinomialModel(h, cut),
    images ? imageMixtureModel(images, cut) : null,
    powerModel(h, cut),
  ].filter((m): m is TailModel => m !== null);
}

/** One model's out-of-sample record: fitted above the cut, scored on the held-out thresholds below it. */
export interface TailValidation {
  readonly model: TailModelId;
  /** Thresholds below the cut with at least one pair, and each prediction's log10(predicted / measured). */
  readonly points: readonly { readonly tau: number; readonly measured: number; readonly log10Error: number }[];
  /** Mean of |log10 error| (a factor of 10^x), its signed mean (negative: the model underestimates) and maximum. */
  readonly meanAbsLog10Error: number;
  readonly meanLog10Error: number;
  readonly maxAbsLog10Error: number;
}

export interface TailValidationReport {
  /** The lowest threshold with ≥ RESOLVED_COUNT pairs: models see only distances at or above it. */
  readonly cut: number | null;
  readonly models: readonly TailValidation[];
  /** Why nothing could be validated (too few pairs below the resolved range), when so. */
  readonly reason?: string;
}

/**
 * Holds out every threshold below the first well-resolved one (≥ RESOLVED_COUNT pairs at or below it), fits each
 * model to the rest, and compares its predictions with the measured FPR at the held-out thresholds with ≥ 1 pair.
 */
export function validateTailModels(h: DistanceHistogram, images?: ImageHistograms): TailValidationReport {
  const n = total(h);
  let cut: number | null = null;
  for (let t = 0; t <= h.nbits && cut === null; t++) if (countAtMost(h, t) >= RESOLVED_COUNT) cut = t;
  if (cut === null) return { cut, models: [], reason: `fewer than ${RESOLVED_COUNT} pairs at any threshold` };
  const held: { tau: number; measured: number }[] = [];
  for (let t = 0; t < cut; t++) {
    const k = countAtMost(h, t);
    if (k > 0) held.push({ tau: t, measured: k / n });
  }
  if (held.length === 0)
    return { cut, models: [], reason: `no pairs below threshold ${cut}, the first with ${RESOLVED_COUNT} or more` };
  const models = fitTailModels(h, images, cut).map((m): TailValidation => {
    const points = held.map((p) => ({ ...p, log10Error: m.logFpr(p.tau) / LN10 - Math.log10(p.measured) }));
    const abs = points.map((p) => Math.abs(p.log10Error));
    return {
      model: m.id,
      points,
      meanAbsLog10Error: abs.reduce((s, v) => s + v, 0) / abs.length,
      meanLog10Error: points.reduce((s, p) => s + p.log10Error, 0) / points.length,
      maxAbsLog10Error: Math.max(...abs),
    };
  });
  return { cut, models };
}

/** An extrapolated FPR as log10 bounds: the range across models, each widened by its largest validation error. */
export interface FprBand {
  readonly tau: number;
  readonly log10Lower: number;
  readonly log10Upper: number;
  readonly byModel: readonly { readonly model: TailModelId; readonly log10Fpr: number; readonly widenedBy: number }[];
}

export function fprBand(models: readonly TailModel[], validation: TailValidationReport, tau: number): FprBand | null {
  if (models.length === 0) return null;
  const byModel = models.map((m) => {
    const v = validation.models.find((x) => x.model === m.id);
    return { model: m.id, log10Fpr: m.logFpr(tau) / LN10, widenedBy: v ? v.maxAbsLog10Error : 0 };
  });
  return {
    tau,
    log10Lower: Math.min(...byModel.map((b) => b.log10Fpr - b.widenedBy)),
    log10Upper: Math.min(0, Math.max(...byModel.map((b) => b.log10Fpr + b.widenedBy))),
    byModel,
  };
}

/**
 * A probability from its log10 for display: scientific notation, or "10^-412 (< 1e-300)" when it underflows, and
 * "< 1e-300" for a log of −Infinity (a probability below what a double holds), never a bare "0".
 */
export function formatLog10(log10: number, digits = 2): string {
  if (log10 === -Infinity) return '< 1e-300';
  if (log10 < -300) return `10^${log10.toFixed(0)} (< 1e-300)`;
  const x = 10 ** log10;
  return x >= 1e-3 ? x.toPrecision(digits) : x.toExponential(digits - 1);
}

export function formatBand(b: FprBand): string {
  return `[${formatLog10(b.log10Lower, 1)}, ${formatLog10(b.log10Upper, 1)}]`;
}
