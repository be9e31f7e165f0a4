// p50/p99 (and mean) of per-photo measurements, by the nearest-rank rule on the sorted sample.

export interface Spread {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly n: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { p50: 0, p99: 0, mean: 0, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return {
    p50: rank(0.5),
    p99: rank(0.99),
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
    n: sorted.length,
  };
}
