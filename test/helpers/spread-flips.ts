// Near-duplicates for the near-duplicate PSI tests: a hash with d bits flipped, spread over the hash.
import type { Hash } from '../../src/hash/types.js';

/** `h` with d bits flipped at 37·i mod n (distinct for d ≤ n when n is a power of two), so most chunks change. */
export function spread(h: Hash, d: number): Hash {
  const bits = h.bits.slice();
  const pad = bits.length * 8 - h.nbits;
  for (let i = 0; i < d; i++) {
    const p = pad + ((37 * i) % h.nbits);
    bits[p >>> 3]! ^= 0x80 >>> (p & 7);
  }
  return { ...h, bits };
}
