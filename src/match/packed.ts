// Many hashes of one length packed into one Int32Array: word-aligned, big-endian within the hash, zero padding on top.
// Words are held as signed 32-bit integers (the same bits) because V8 keeps Int32Array loads in integer registers.
import type { Hash } from '../hash/types.js';
import { MatchError } from './errors.js';

/**
 * `count` hashes of `nbits` bits, hash i in `data[i*words .. (i+1)*words)`. Bit 0 of a hash (its most significant,
 * as in the canonical hex) sits at packed position `words*32 - nbits`, so padding bits lead word 0 and are always 0:
 * Hamming distance over the words equals the distance over the hash.
 */
export interface PackedHashes {
  readonly nbits: number;
  readonly words: number;
  readonly count: number;
  readonly data: Int32Array;
}

/** 32-bit words per packed hash. */
export const wordsFor = (nbits: number): number => Math.ceil(nbits / 32);

/** Allocates a zeroed word array, on a SharedArrayBuffer when `shared` (so worker threads can search it). */
export function allocateWords(length: number, shared = false): Int32Array {
  return shared ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length);
}

/** Writes a hash's packed bytes into `out` at word `offset` (the hash's bytes are big-endian, padding on top). */
function packInto(bits: Uint8Array, nbits: number, out: Int32Array, offset: number): void {
  const words = wordsFor(nbits);
  const lead = words * 4 - bits.length;
  for (let w = 0; w < words; w++) out[offset + w] = 0;
  for (let i = 0; i < bits.length; i++) {
    const p = lead + i;
    out[offset + (p >> 2)]! |= bits[i]! << ((3 - (p & 3)) * 8);
  }
}

/** The packed words of one hash. */
export function packHash(hash: Hash): Int32Array {
  const out = new Int32Array(wordsFor(hash.nbits));
  packInto(hash.bits, hash.nbits, out, 0);
  return out;
}

/** Reads hash `index` of a packed array back as a Hash of algorithm `algo`. */
export function unpackHash<A extends string>(packed: PackedHashes, algo: A, index: number): Hash<A> {
  const { nbits, words } = packed;
  const bits = new Uint8Array(Math.ceil(nbits / 8));
  const lead = words * 4 - bits.length;
  const base = index * words;
  for (let i = 0; i < bits.length; i++) {
    const p = lead + i;
    bits[i] = packed.data[base + (p >> 2)]! >>> ((3 - (p & 3)) * 8);
  }
  return { algo, nbits, bits };
}

/** Packs hashes that must all share one algorithm and bit length. */
export function packHashes(hashes: readonly Hash[], shared = false): PackedHashes & { algo: string } {
  if (hashes.length === 0)
    throw new MatchError('argument', 'cannot pack an empty list of hashes without its algorithm');
  const { algo, nbits } = hashes[0]!;
  const words = wordsFor(nbits);
  const data = allocateWords(hashes.length * words, shared);
  hashes.forEach((h, i) => {
    if (h.nbits !== nbits || h.algo !== algo) {
      throw new MatchError(
        'mixed-lengths',
        `mixed hashes: item 0 is a ${nbits}-bit ${algo} hash, item ${i} a ${h.nbits}-bit ${h.algo} hash`,
      );
    }
    packInto(h.bits, nbits, data, i * words);
  });
  return { algo, nbits, words, count: hashes.length, data };
}

/** A growable packed array for readers that do not know the count in advance. */
export class PackedHashBuilder {
  readonly words: number;
  private data: Int32Array;
  private n = 0;

  constructor(
    readonly nbits: number,
    initialCapacity = 1024,
  ) {
    this.words = wordsFor(nbits);
    this.data = new Int32Array(Math.max(1, initialCapacity) * this.words);
  }

  get count(): number {
    return this.n;
  }

  push(bits: Uint8Array): void {
    if ((this.n + 1) * this.words > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    packInto(bits, this.nbits, this.data, this.n * this.words);
    this.n++;
  }

  /** The packed hashes, trimmed to their count (copied, onto shared memory if asked). */
  finish(shared = false): PackedHashes {
    const data = allocateWords(this.n * this.words, shared);
    data.set(this.data.subarray(0, this.n * this.words));
    return { nbits: this.nbits, words: this.words, count: this.n, data };
  }
}
