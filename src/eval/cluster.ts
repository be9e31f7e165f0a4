// FPR intervals that respect how the pairs were drawn: unrelated pairs share images (each of n images is in n − 1
// pairs), so they are not independent. The delete-one-cluster jackknife (a cluster = a near-duplicate group of images)
// gives the variance of the pair proportion as a U-statistic; its ratio to the binomial variance is the design
// effect, and the interval is Clopper–Pearson at the effective number of pairs (Korn & Graubard 1998).
import { betaIncInverse } from './special.js';
import type { ImageHistograms } from './image-histograms.js';

export const CLUSTER_METHOD =
  'delete-one-cluster jackknife over near-duplicate groups of images (U-statistic variance), Clopper–Pearson at the effective number of pairs';
export const INDEPENDENT_PAIRS_LABEL = 'Clopper–Pearson on raw pairs (assumes independent pairs)';

/** A pair proportion with an interval that accounts for pairs sharing images. */
export interface ClusteredProportion {
  readonly k: number;
  readonly n: number;
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly method: 'cluster-jackknife';
  readonly confidence: number;
  /** Clusters (near-duplicate groups) the pairs come from. */
  readonly clusters: number;
  /** Jackknife variance over the binomial variance (≥ 1); borrowed from the nearest resolved threshold when k = 0. */
  readonly designEffect: number;
  /** n / designEffect: the number of independent pairs the sample is worth at this threshold. */
  readonly effectiveN: number;
}

/** Per-cluster pair totals and cumulative counts at each threshold. */
interface Clusters {
  readonly pairs: Float64Array;
  /** cumulative[c * (nbits + 1) + τ] = cluster c's pairs at distance ≤ τ. */
  readonly cumulative: Float64Array;
  readonly count: number;
}

function clustersOf(h: ImageHistograms): Clusters {
  const width = h.nbits + 1;
  const index = new Map<number, number>();
  for (const img of h.images) if (!index.has(img.group)) index.set(img.group, index.size);
  const count = index.size;
  const density = new Float64Array(count * width);
  const pairs = new Float64Array(count);
  for (const img of h.images) {
    const c = index.get(img.group)!;
    img.counts.forEach((v, k) => {
      density[c * width + img.offset + k]! += v;
      pairs[c]! += v;
    });
  }
  const cumulative = new Float64Array(count * width);
  for (let c = 0; c < count; c++) {
    let s = 0;
    for (let t = 0; t < width; t++) {
      s += density[c * width + t]!;
      cumulative[c * width + t] = s;
    }
  }
  return { pairs, cumulative, count };
}

/**
 * Clopper–Pearson with a non-integer effective count: the beta quantiles at k·n_eff/n successes of n_eff trials.
 */
function effectiveClopperPearson(estimate: number, effectiveN: number, confidence: number): [number, number] {
  const alpha = 1 - confidence;
  const k = estimate * effectiveN;
  const lower = k <= 0 ? 0 : betaIncInverse(alpha / 2, k, effectiveN - k + 1);
  const upper = effectiveN - k <= 0 ? 1 : betaIncInverse(1 - alpha / 2, k + 1, effectiveN - k);
  return [lower, upper];
}

/**
 * FPR(τ) for τ = 0..nbits with cluster-jackknife intervals. Each image's histogram counts its pairs, so every pair is
 * counted twice overall (once from each end); the proportion and the jackknife both use the halved totals.
 */
export function clusteredFprCurve(h: ImageHistograms, confidence = 0.95): ClusteredProportion[] {
  const width = h.nbits + 1;
  const cl = clustersOf(h);
  const pairs2 = cl.pairs.reduce((s, v) => s + v, 0);
  const n = pairs2 / 2;
  const G = cl.count;
  const raw: { k: number; estimate: number; deff: number | null }[] = [];
  for (let t = 0; t < width; t++) {
    let k2 = 0;
    for (let c = 0; c < G; c++) k2 += cl.cumulative[c * width + t]!;
    const k = Math.round(k2 / 2);
    const estimate = n > 0 ? k / n : 0;
    if (k === 0 || k === n || G < 2) {
      raw.push({ k, estimate, deff: null });
      continue;
    }
    // Deleting cluster c removes every pair with an end in it: its own pairs (no pair has both ends in one cluster).
    const loo = new Float64Array(G);
    let meanLoo = 0;
    for (let c = 0; c < G; c++) {
      const left = n - cl.pairs[c]!;
      loo[c] = left > 0 ? (k - cl.cumulative[c * width + t]!) / left : estimate;
      meanLoo += loo[c]!;
    }
    meanLoo /= G;
    let ss = 0;
    for (let c = 0; c < G; c++) ss += (loo[c]! - meanLoo) ** 2;
    const variance = ((G - 1) / G) * ss;
    const binomial = (estimate * (1 - estimate)) / n;
    raw.push({ k, estimate, deff: Math.max(1, variance / binomial) });
  }
  // Thresholds without events borrow the design effect of the nearest threshold above with some.
  const out: ClusteredProportion[] = new Array<ClusteredProportion>(width);
  let borrowed = 1;
  for (let t = width - 1; t >= 0; t--) {
    const r = raw[t]!;
    if (r.deff !== null && r.k > 0 && r.k < n) borrowed = r.deff;
    const designEffect = r.deff ?? borrowed;
    const effectiveN = n / designEffect;
    const [lower, upper] = n > 0 ? effectiveClopperPearson(r.estimate, effectiveN, confidence) : [0, 1];
    out[t] = {
      k: r.k,
      n,
      estimate: r.estimate,
      lower,
      upper,
      method: 'cluster-jackknife',
      confidence,
      clusters: G,
      designEffect,
      effectiveN,
    };
  }
  return out;
}
