// Per-image distance histograms of the unrelated pairs: for every image, how many of its cross-group partners lie at
// each Hamming distance. They carry the pairs' dependence on shared images, which the cluster intervals need.
import { rowDistance, type GroupedHashes } from './pair-distances.js';

/** Counts of one image's unrelated pairs by distance: counts[k] pairs at distance offset + k (zeros trimmed). */
export interface ImageHistogram {
  /** The image's near-duplicate group (images of one group are one cluster). */
  readonly group: number;
  readonly offset: number;
  readonly counts: readonly number[];
}

export interface ImageHistograms {
  readonly nbits: number;
  readonly images: readonly ImageHistogram[];
}

/** Above this many images the per-image histograms are not kept (their size grows with the images × bits). */
export const IMAGE_HISTOGRAM_LIMIT = 4000;

function trim(group: number, row: Float64Array): ImageHistogram {
  let lo = 0;
  let hi = row.length - 1;
  while (lo <= hi && row[lo] === 0) lo++;
  while (hi >= lo && row[hi] === 0) hi--;
  return { group, offset: lo > hi ? 0 : lo, counts: lo > hi ? [] : Array.from(row.subarray(lo, hi + 1)) };
}

/** Every image's histogram over its cross-group pairs, less the excluded (duplicate) row pairs. */
export function imageHistograms(
  g: GroupedHashes,
  exclude: readonly (readonly [number, number])[] = [],
): ImageHistograms {
  const n = g.packed.count;
  const width = g.packed.nbits + 1;
  const rows = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (g.group[i] === g.group[j]) continue;
      const d = rowDistance(g, i, j);
      rows[i * width + d]!++;
      rows[j * width + d]!++;
    }
  }
  for (const [i, j] of exclude) {
    const d = rowDistance(g, i, j);
    rows[i * width + d]!--;
    rows[j * width + d]!--;
  }
  return {
    nbits: g.packed.nbits,
    images: Array.from({ length: n }, (_, i) => trim(g.group[i] ?? i, rows.subarray(i * width, (i + 1) * width))),
  };
}
