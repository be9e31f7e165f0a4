// An interval for the AUC that respects how its pairs were drawn: the unrelated side's variance is the
// delete-one-cluster jackknife over the images' groups (pairs sharing an image are dependent); the related side's is
// the variance of each related pair's placement among the unrelated pairs, as if related pairs were independent.
import { normalQuantile } from './binomial.js';
import type { DistanceHistogram } from './histogram.js';
import type { ImageHistograms } from './image-histograms.js';

export const AUC_INTERVAL_METHOD =
  'normal interval; unrelated side: delete-one-cluster jackknife over image groups; related side: pairs treated as independent (they share source images, so that part is a lower bound)';

export interface AucInterval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly standardError: number;
  readonly method: string;
}

/** Placement of a related distance d among unrelated ones: #(u > d) + ½ #(u = d), from a histogram's counts. */
function placements(counts: ArrayLike<number>, nbits: number): Float64Array {
  const above = new Float64Array(nbits + 2);
  for (let d = nbits; d >= 0; d--) above[d] = above[d + 1]! + (counts[d] ?? 0);
  const s = new Float64Array(nbits + 1);
  for (let d = 0; d <= nbits; d++) s[d] = above[d + 1]! + 0.5 * (counts[d] ?? 0);
  return s;
}

export function aucInterval(
  related: DistanceHistogram,
  unrelated: DistanceHistogram,
  images: ImageHistograms,
  confidence = 0.95,
): AucInterval | null {
  const nbits = related.nbits;
  const nr = related.counts.reduce((s, c) => s + c, 0);
  const nu = unrelated.counts.reduce((s, c) => s + c, 0);
  if (nr < 2 || nu < 2) return null;
  const S = placements(unrelated.counts, nbits);
  const auc = related.counts.reduce((s, c, d) => s + c * S[d]!, 0) / (nr * nu);
  // Related side: variance of ψ_r = S(d_r)/nu over the related pairs, divided by their number.
  let m2 = 0;
  related.counts.forEach((c, d) => (m2 += c * (S[d]! / nu - auc) ** 2));
  const varRelated = m2 / (nr - 1) / nr;
  // Unrelated side: delete one group's pairs (each image histogram counts a pair once from each end; pairs never
  // join two images of one group, so a group's rows hold each of its pairs once).
  const groups = new Map<number, Float64Array>();
  for (const img of images.images) {
    const row = groups.get(img.group) ?? new Float64Array(nbits + 1);
    img.counts.forEach((c, k) => (row[img.offset + k]! += c));
    groups.set(img.group, row);
  }
  const G = groups.size;
  if (G < 2) return null;
  const loo: number[] = [];
  for (const row of groups.values()) {
    const Sc = placements(row, nbits);
    const m = row.reduce((s, c) => s + c, 0);
    let sum = 0;
    related.counts.forEach((c, d) => (sum += c * (S[d]! - Sc[d]!)));
    loo.push(nu - m > 0 ? sum / (nr * (nu - m)) : auc);
  }
  const mean = loo.reduce((s, v) => s + v, 0) / G;
  const varUnrelated = ((G - 1) / G) * loo.reduce((s, v) => s + (v - mean) ** 2, 0);
  const se = Math.sqrt(varRelated + varUnrelated);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return {
    estimate: auc,
    lower: Math.max(0, auc - z * se),
    upper: Math.min(1, auc + z * se),
    standardError: se,
    method: AUC_INTERVAL_METHOD,
  };
}
