// Substrings of packed hashes as integer keys, and the keys within a few bits of one (the MIH probe sequence).
import { MatchError } from './errors.js';

/** The widest substring a table may index (its directory has 2^width buckets). */
export const MAX_SUBSTRING_WIDTH = 28;

/**
 * Bits [start, start+width) of the packed hash at `data[base..]` as an unsigned integer, bit `start` most
 * significant; bit 0 is the top bit of word 0. `width` is 1..MAX_SUBSTRING_WIDTH.
 */
export function substringKey(data: Int32Array, base: number, start: number, width: number): number {
  const word = start >>> 5;
  const shift = start & 31;
  let top = data[base + word]! << shift;
  if (shift + width > 32) top |= data[base + word + 1]! >>> (32 - shift);
  return top >>> (32 - width);
}

const maskCache = new Map<string, Int32Array>();

/** Number of `width`-bit masks with at most `radius` bits set: Σ_{j≤radius} C(width, j). */
export function neighbourCount(width: number, radius: number): number {
  let total = 0;
  let c = 1;
  for (let j = 0; j <= Math.min(radius, width); j++) {
    total += c;
    c = (c * (width - j)) / (j + 1);
  }
  return total;
}

/** Probe counts above this are never enumerated: such a search is slower than a linear scan anyway. */
export const MAX_NEIGHBOURS = 1 << 24;

/**
 * Every `width`-bit mask with at most `radius` bits set, fewest bits first: XOR-ing a key with each one visits
 * all keys within `radius` bits of it. Cached per (width, radius).
 */
export function neighbourMasks(width: number, radius: number): Int32Array {
  const id = `${width}:${radius}`;
  const cached = maskCache.get(id);
  if (cached) return cached;
  const count = neighbourCount(width, radius);
  if (count > MAX_NEIGHBOURS)
    throw new MatchError(
      'argument',
      `${count} substring neighbours for ${width} bits within ${radius} is too many to enumerate`,
    );
  const masks = new Int32Array(count);
  let n = 0;
  const extend = (mask: number, lowestFree: number, bitsLeft: number): void => {
    if (bitsLeft === 0) {
      masks[n++] = mask;
      return;
    }
    for (let b = lowestFree; b <= width - bitsLeft; b++) extend(mask | (1 << b), b + 1, bitsLeft - 1);
  };
  for (let j = 0; j <= Math.min(radius, width); j++) extend(0, 0, j);
  maskCache.set(id, masks);
  return masks;
}
