// Hamming distance between hashes of the same algorithm and length.
import { HashError, type Hash } from './types.js';

const POPCOUNT8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT8[i] = (i & 1) + POPCOUNT8[i >> 1]!;

/** Throws unless both hashes come from the same algorithm with the same bit length. */
export function assertComparable(a: Hash, b: Hash): void {
  if (a.algo !== b.algo || a.nbits !== b.nbits) {
    throw new HashError(`cannot compare a ${a.nbits}-bit ${a.algo} hash with a ${b.nbits}-bit ${b.algo} hash`);
  }
}

/** Number of 1 bits in a 32-bit integer. */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance between packed bit strings of equal length. */
export function hammingBytes(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += POPCOUNT8[a[i]! ^ b[i]!]!;
  return d;
}

/** Hamming distance between two hashes; comparing different algorithms or lengths is an error, not a number. */
export function hamming<A extends string, N extends number>(a: Hash<A, N>, b: Hash<A, N>): number {
  assertComparable(a, b);
  return hammingBytes(a.bits, b.bits);
}
