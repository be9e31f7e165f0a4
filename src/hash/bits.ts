// Packing bit arrays into Hash values and the canonical hex codec shared by all algorithms.
import { HashError, type Hash } from './types.js';

/** Bytes needed for `nbits` bits. */
export const byteLength = (nbits: number): number => Math.ceil(nbits / 8);

/**
 * Packs bits (index 0 = most significant) as the big-endian integer Σ b[i]·2^(n-1-i), left-padded to whole bytes.
 * This is how `imagehash` and `blockhash` print hashes: the bit array read as one binary number.
 */
export function packMsbFirst<A extends string, N extends number>(
  algo: A,
  bits: ArrayLike<number | boolean>,
  quality?: number,
): Hash<A, N> {
  const nbits = bits.length as N;
  const out = new Uint8Array(byteLength(nbits));
  const pad = out.length * 8 - nbits;
  for (let i = 0; i < nbits; i++) {
    if (bits[i]) {
      const p = i + pad;
      out[p >> 3]! |= 0x80 >> (p & 7);
    }
  }
  return quality === undefined ? { algo, nbits, bits: out } : { algo, nbits, bits: out, quality };
}

/** Reads bit i (0 = most significant, as in `packMsbFirst`) of a hash. */
export function bitAt(hash: Hash, i: number): number {
  const p = i + hash.bits.length * 8 - hash.nbits;
  return (hash.bits[p >> 3]! >> (7 - (p & 7))) & 1;
}

const HEX = '0123456789abcdef';

/** The canonical hex of a hash: ceil(nbits/4) lowercase digits. */
export function toHex(hash: Hash): string {
  let s = '';
  for (const b of hash.bits) s += HEX[b >> 4]! + HEX[b & 15]!;
  return s.slice(s.length - Math.ceil(hash.nbits / 4));
}

/** Parses canonical hex for an algorithm of `nbits` bits; rejects wrong lengths, bad digits and set padding bits. */
export function fromHex<A extends string, N extends number>(
  algo: A,
  nbits: N,
  hex: string,
  quality?: number,
): Hash<A, N> {
  const digits = Math.ceil(nbits / 4);
  const clean = hex.trim().toLowerCase();
  if (clean.length !== digits) throw new HashError(`${algo} hash must have ${digits} hex digits, got ${clean.length}`);
  if (!/^[0-9a-f]*$/.test(clean)) throw new HashError(`${algo} hash has a non-hex character: "${hex.trim()}"`);
  const padded = clean.padStart(byteLength(nbits) * 2, '0');
  const bits = new Uint8Array(padded.length / 2);
  for (let i = 0; i < bits.length; i++) bits[i] = parseInt(padded.slice(2 * i, 2 * i + 2), 16);
  const pad = bits.length * 8 - nbits;
  if (pad > 0 && bits[0]! >> (8 - pad))
    throw new HashError(`${algo} hash "${clean}" has bits set above its ${nbits}-bit length`);
  return quality === undefined ? { algo, nbits, bits } : { algo, nbits, bits, quality };
}
