// Turning PDQ's 16×16 DCT block into the 256-bit hash (median threshold), and the ThreatExchange hex codec.
import { fromHex, toHex } from '../bits.js';
import type { Hash } from '../types.js';

export type PdqHash = Hash<'pdq', 256>;

export const PDQ_ALGO = 'pdq';
export const PDQ_BITS = 256;

/**
 * The median as the reference finds it: Torben Mogensen's bisection (`pdq/cpp/hashing/torben.cpp`), in float. For an
 * even count it returns the lower middle value; bisecting on float midpoints, it is reproduced operation for operation.
 */
export function pdqTorbenMedian(m: Float32Array): number {
  const n = m.length;
  const f = Math.fround;
  let min = m[0]!;
  let max = m[0]!;
  for (let i = 1; i < n; i++) {
    const v = m[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const half = (n + 1) >> 1;
  for (;;) {
    const guess = f(f(min + max) / 2);
    let less = 0;
    let greater = 0;
    let equal = 0;
    let maxLtGuess = min;
    let minGtGuess = max;
    for (let i = 0; i < n; i++) {
      const v = m[i]!;
      if (v < guess) {
        less++;
        if (v > maxLtGuess) maxLtGuess = v;
      } else if (v > guess) {
        greater++;
        if (v < minGtGuess) minGtGuess = v;
      } else {
        equal++;
      }
    }
    if (less <= half && greater <= half) {
      if (less >= half) return maxLtGuess;
      if (less + equal >= half) return guess;
      return minGtGuess;
    }
    if (less > greater) max = maxLtGuess;
    else min = minGtGuess;
  }
}

/**
 * The hash of a 16×16 DCT block (row-major): bit k = 16·i + j is 1 when cell (i, j) is above the block's median.
 * ThreatExchange prints the hash as one big-endian 256-bit number in which bit k has value 2^k (sixteen 16-bit words,
 * most significant first), so bit k lives in byte 31 − ⌊k/8⌋ at position k mod 8.
 */
export function pdqHashFromDct(dct16x16: Float32Array, quality: number): PdqHash {
  const median = pdqTorbenMedian(dct16x16);
  const bits = new Uint8Array(PDQ_BITS / 8);
  for (let k = 0; k < PDQ_BITS; k++) {
    if (dct16x16[k]! > median) bits[31 - (k >> 3)]! |= 1 << (k & 7);
  }
  return { algo: PDQ_ALGO, nbits: PDQ_BITS, bits, quality };
}

/** The all-zero hash the reference gives images under 5 pixels on a side, with quality 0. */
export function pdqEmptyHash(): PdqHash {
  return { algo: PDQ_ALGO, nbits: PDQ_BITS, bits: new Uint8Array(PDQ_BITS / 8), quality: 0 };
}

/** ThreatExchange's 64-hex-digit form of a PDQ hash. */
export function pdqToHex(hash: PdqHash): string {
  return toHex(hash);
}

/** Parses ThreatExchange's 64-hex-digit form (any case, surrounding blanks ignored); HashError when malformed. */
export function pdqFromHex(hex: string, quality?: number): PdqHash {
  return fromHex(PDQ_ALGO, PDQ_BITS, hex, quality);
}

/** Whether bit k (DCT cell (⌊k/16⌋, k mod 16)) of a PDQ hash is set. */
export function pdqBit(hash: PdqHash, k: number): boolean {
  return ((hash.bits[31 - (k >> 3)]! >> (k & 7)) & 1) === 1;
}
