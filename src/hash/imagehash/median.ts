// numpy.median for the small arrays the imagehash family thresholds against.

/** numpy.median of the values: the middle value, or the mean of the two middle values ((a + b) / 2) when even. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) throw new RangeError('median of an empty array');
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
