// Hamming distance between packed hashes: SWAR popcount on 32-bit words, unrolled for 64 and 256 bits.

/**
 * Bits set in two words, as four byte counts (each ≤ 16). The byte counts of several pairs can be added before one
 * `byteSum`, which saves the horizontal add per word, as long as they total at most 255 bits (three pairs).
 */
export function pairByteCounts(a: number, b: number): number {
  a = (a - ((a >>> 1) & 0x55555555)) | 0;
  a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
  b = (b - ((b >>> 1) & 0x55555555)) | 0;
  b = (b & 0x33333333) + ((b >>> 2) & 0x33333333);
  const nibbles = a + b;
  return (nibbles & 0x0f0f0f0f) + ((nibbles >>> 4) & 0x0f0f0f0f);
}

/** The sum of the four byte counts of a word; exact while that sum is at most 255. */
export function byteSum(x: number): number {
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Distance between 64-bit hash `data[i..i+2)` and `q[j..j+2)`. */
function distance64(data: Int32Array, i: number, q: Int32Array, j: number): number {
  return byteSum(pairByteCounts(data[i]! ^ q[j]!, data[i + 1]! ^ q[j + 1]!));
}

/** Distance between 256-bit hash `data[i..i+8)` and `q[j..j+8)`. */
function distance256(data: Int32Array, i: number, q: Int32Array, j: number): number {
  return (
    byteSum(
      pairByteCounts(data[i]! ^ q[j]!, data[i + 1]! ^ q[j + 1]!) +
        pairByteCounts(data[i + 2]! ^ q[j + 2]!, data[i + 3]! ^ q[j + 3]!),
    ) +
    byteSum(
      pairByteCounts(data[i + 4]! ^ q[j + 4]!, data[i + 5]! ^ q[j + 5]!) +
        pairByteCounts(data[i + 6]! ^ q[j + 6]!, data[i + 7]! ^ q[j + 7]!),
    )
  );
}

/** Distance between `words`-word hashes `data[i..]` and `q[j..]`, for any length. */
export function distanceWords(data: Int32Array, i: number, q: Int32Array, j: number, words: number): number {
  let total = 0;
  let w = 0;
  while (w < words) {
    let bytes = 0;
    const stop = Math.min(words, w + 6);
    for (; w + 1 < stop; w += 2) bytes += pairByteCounts(data[i + w]! ^ q[j + w]!, data[i + w + 1]! ^ q[j + w + 1]!);
    if (w < stop) {
      bytes += pairByteCounts(data[i + w]! ^ q[j + w]!, 0);
      w++;
    }
    total += byteSum(bytes);
  }
  return total;
}

/** The distance function for a hash length: the unrolled kernel where one exists, the general loop otherwise. */
export function distanceKernel(words: number): (data: Int32Array, i: number, q: Int32Array, j: number) => number {
  if (words === 8) return distance256;
  if (words === 2) return distance64;
  return (data, i, q, j) => distanceWords(data, i, q, j, words);
}
