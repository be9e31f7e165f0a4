// A Bloom filter over pseudorandom keys (OPRF outputs): sized from a target false-positive rate, serialisable as bits.
import { PsiError } from './errors.js';

/** The most bits a filter may have (its size travels as a 32-bit count). */
export const MAX_FILTER_BITS = 0xffff_fff8;
export const MAX_FILTER_HASHES = 32;

export interface BloomParams {
  /** Filter size m in bits. */
  readonly bits: number;
  /** Number of probes k per key. */
  readonly hashes: number;
}

/** Optimal m and k for `entries` keys at false-positive rate `fpr`: m = −n·ln p / (ln 2)², k = (m/n)·ln 2. */
export function bloomParams(entries: number, fpr: number): BloomParams {
  if (!(fpr > 0 && fpr < 1)) throw new PsiError(`false-positive rate must lie in (0, 1), got ${fpr}`);
  if (!Number.isInteger(entries) || entries < 0)
    throw new PsiError(`entry count must be a non-negative integer, got ${entries}`);
  const n = Math.max(1, entries);
  const bits = Math.max(8, Math.ceil((-n * Math.log(fpr)) / (Math.LN2 * Math.LN2)));
  if (bits > MAX_FILTER_BITS)
    throw new PsiError(
      `a filter of ${entries} entries at rate ${fpr} needs ${bits} bits, above the ${MAX_FILTER_BITS} limit`,
    );
  const hashes = Math.min(MAX_FILTER_HASHES, Math.max(1, Math.round((bits / n) * Math.LN2)));
  return { bits, hashes };
}

/** The false-positive rate of a filter with these parameters holding `entries` keys: (1 − e^(−kn/m))^k. */
export function expectedFalsePositiveRate(params: BloomParams, entries: number): number {
  return Math.pow(1 - Math.exp((-params.hashes * entries) / params.bits), params.hashes);
}

/**
 * A Bloom filter whose keys are already uniformly random (at least 8 bytes): probe i of a key is
 * h1 + i·h2 (Kirsch–Mitzenmacher) with h1, h2 its first two little-endian 32-bit words, mapped onto [0, m).
 */
export class BloomFilter {
  readonly bits: number;
  readonly hashes: number;
  /** The bit array, bit j at byte j >> 3, mask 1 << (j & 7); unused bits of the last byte are zero. */
  readonly data: Uint8Array;

  constructor(params: BloomParams, data?: Uint8Array) {
    if (!Number.isInteger(params.bits) || params.bits < 1 || params.bits > MAX_FILTER_BITS)
      throw new PsiError(`filter size ${params.bits} bits is out of range`);
    if (!Number.isInteger(params.hashes) || params.hashes < 1 || params.hashes > MAX_FILTER_HASHES)
      throw new PsiError(`filter probe count ${params.hashes} is out of range`);
    const bytes = Math.ceil(params.bits / 8);
    if (data && data.length !== bytes)
      throw new PsiError(`filter of ${params.bits} bits needs ${bytes} bytes, got ${data.length}`);
    this.bits = params.bits;
    this.hashes = params.hashes;
    this.data = data ?? new Uint8Array(bytes);
  }

  add(key: Uint8Array): void {
    const { h1, h2 } = probeSeeds(key);
    for (let i = 0; i < this.hashes; i++) {
      const j = this.probe(h1, h2, i);
      this.data[j >>> 3]! |= 1 << (j & 7);
    }
  }

  has(key: Uint8Array): boolean {
    const { h1, h2 } = probeSeeds(key);
    for (let i = 0; i < this.hashes; i++) {
      const j = this.probe(h1, h2, i);
      if ((this.data[j >>> 3]! & (1 << (j & 7))) === 0) return false;
    }
    return true;
  }

  bitsPerEntry(entries: number): number {
    return this.bits / Math.max(1, entries);
  }

  private probe(h1: number, h2: number, i: number): number {
    const x = (h1 + Math.imul(i, h2)) >>> 0;
    return Math.min(this.bits - 1, Math.floor((x / 4294967296) * this.bits));
  }
}

function probeSeeds(key: Uint8Array): { h1: number; h2: number } {
  if (key.length < 8) throw new PsiError(`filter keys must be at least 8 bytes, got ${key.length}`);
  const h1 = (key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0;
  const h2 = (key[4]! | (key[5]! << 8) | (key[6]! << 16) | (key[7]! << 24) | 1) >>> 0;
  return { h1, h2 };
}
