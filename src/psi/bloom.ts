// A Bloom filter over pseudorandom keys (OPRF outputs): sized from a target false-positive rate, serialisable as bits.
import { createHash } from 'node:crypto';
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
 * A Bloom filter whose keys are already uniformly random (at least 8 bytes): probe i of a key is its i-th
 * little-endian 32-bit word, mapped onto [0, m); a key with fewer than k words has its probes drawn from
 * SHAKE128(key) instead. Independent probes keep the false-positive rate at (1 − e^(−kn/m))^k for every size:
 * double hashing (h1 + i·h2) has only about m² distinct probe sequences, which puts a floor of about n/m² under
 * the rate, far above the tiny per-output rates a small filter queried by a whole Hamming ball needs.
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
    const words = probeWords(key, this.hashes);
    for (let i = 0; i < this.hashes; i++) {
      const j = this.probe(words, i);
      this.data[j >>> 3]! |= 1 << (j & 7);
    }
  }

  has(key: Uint8Array): boolean {
    const words = probeWords(key, this.hashes);
    for (let i = 0; i < this.hashes; i++) {
      const j = this.probe(words, i);
      if ((this.data[j >>> 3]! & (1 << (j & 7))) === 0) return false;
    }
    return true;
  }

  bitsPerEntry(entries: number): number {
    return this.bits / Math.max(1, entries);
  }

  private probe(words: Uint8Array, i: number): number {
    const x = wordAt(words, i);
    return Math.min(this.bits - 1, Math.floor((x / 4294967296) * this.bits));
  }
}

/** The bytes whose first k little-endian words are a key's probes: the key itself, or SHAKE128(key) if too short. */
function probeWords(key: Uint8Array, k: number): Uint8Array {
  if (key.length < 8) throw new PsiError(`filter keys must be at least 8 bytes, got ${key.length}`);
  return key.length >= 4 * k
    ? key
    : createHash('shake128', { outputLength: 4 * k })
        .update(key)
        .digest();
}

const wordAt = (b: Uint8Array, i: number): number =>
  (b[4 * i]! | (b[4 * i + 1]! << 8) | (b[4 * i + 2]! << 16) | (b[4 * i + 3]! << 24)) >>> 0;
