// Exact distance histograms: counts of pairs at each Hamming distance 0..nbits.

export interface DistanceHistogram {
  readonly nbits: number;
  /** counts[d] = number of pairs at distance d; length nbits + 1. */
  readonly counts: readonly number[];
}

export function emptyHistogram(nbits: number): number[] {
  return new Array<number>(nbits + 1).fill(0);
}

export function histogramOf(nbits: number, distances: Iterable<number>): DistanceHistogram {
  const counts = emptyHistogram(nbits);
  for (const d of distances) {
    if (!Number.isInteger(d) || d < 0 || d > nbits) throw new RangeError(`distance ${d} is outside 0..${nbits}`);
    counts[d]!++;
  }
  return { nbits, counts };
}

export function total(h: DistanceHistogram): number {
  return h.counts.reduce((s, c) => s + c, 0);
}

/** Number of pairs at distance ≤ τ. */
export function countAtMost(h: DistanceHistogram, tau: number): number {
  let s = 0;
  for (let d = 0; d <= Math.min(tau, h.nbits); d++) s += h.counts[d]!;
  return s;
}

export function mean(h: DistanceHistogram): number {
  return h.counts.reduce((s, c, d) => s + c * d, 0) / total(h);
}

export function variance(h: DistanceHistogram): number {
  const m = mean(h);
  return h.counts.reduce((s, c, d) => s + c * (d - m) * (d - m), 0) / total(h);
}
