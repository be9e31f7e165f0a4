// Hashes as the near-duplicate protocols see them: parsed back from their PSI input, cut into chunks, and expanded
// into Hamming balls (every hash within a radius), with the plaintext Hamming distance they are judged against.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Hash } from '../../../hash/types.js';
import { PsiError } from '../../errors.js';

/** The inverse of `psiInput`: `utf8(algo) || 0x00 || nbits (u16) || bits`. */
export function parsePsiInput(input: Uint8Array): Hash {
  const nul = input.indexOf(0);
  if (nul < 1 || input.length < nul + 3) throw new PsiError('not a PSI hash input (no algorithm name and length)');
  const nbits = (input[nul + 1]! << 8) | input[nul + 2]!;
  const bits = input.slice(nul + 3);
  if (nbits < 1 || bits.length !== Math.ceil(nbits / 8))
    throw new PsiError(`PSI hash input has ${bits.length} bytes for ${nbits} bits`);
  return { algo: new TextDecoder().decode(input.subarray(0, nul)), nbits, bits };
}

/** Bit i of a packed hash of `nbits` bits (bit 0 the most significant; padding sits at the top of byte 0). */
export function bitAt(bits: Uint8Array, nbits: number, i: number): number {
  const p = bits.length * 8 - nbits + i;
  return (bits[p >>> 3]! >>> (7 - (p & 7))) & 1;
}

function flip(bits: Uint8Array, nbits: number, i: number): void {
  const p = bits.length * 8 - nbits + i;
  bits[p >>> 3]! ^= 1 << (7 - (p & 7));
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, v) => {
  let c = 0;
  for (let x = v; x; x &= x - 1) c++;
  return c;
});

/** Hamming distance of two packed hashes of equal length. */
export function hammingBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new PsiError(`hashes of ${a.length} and ${b.length} bytes cannot be compared`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += POPCOUNT[a[i]! ^ b[i]!]!;
  return d;
}

export interface ChunkRange {
  readonly start: number;
  readonly width: number;
}

/** m contiguous chunks covering the nbits bits, widths differing by at most one (the wider ones first). */
export function chunkRanges(nbits: number, chunks: number): ChunkRange[] {
  if (!Number.isInteger(chunks) || chunks < 1 || chunks > nbits)
    throw new PsiError(`a ${nbits}-bit hash cannot be cut into ${chunks} chunks`);
  const base = Math.floor(nbits / chunks);
  const wider = nbits % chunks;
  const out: ChunkRange[] = [];
  let start = 0;
  for (let j = 0; j < chunks; j++) {
    const width = base + (j < wider ? 1 : 0);
    out.push({ start, width });
    start += width;
  }
  return out;
}

/** Bits [start, start + width) of a hash, packed like a hash of `width` bits. */
export function extractBits(hash: Hash, range: ChunkRange): Uint8Array {
  const out = new Uint8Array(Math.ceil(range.width / 8));
  for (let i = 0; i < range.width; i++)
    if (bitAt(hash.bits, hash.nbits, range.start + i) === 1) flip(out, range.width, i);
  return out;
}

/** Σ_{i ≤ radius} C(width, i): the hashes within `radius` bits of one hash of `width` bits. */
export function ballSize(width: number, radius: number): number {
  let total = 0;
  let c = 1;
  for (let i = 0; i <= Math.min(radius, width); i++) {
    total += c;
    c = (c * (width - i)) / (i + 1);
  }
  return total;
}

/** Every packed value within `radius` bits of `bits` (of `width` bits), the value itself first, then by distance. */
export function ballOf(bits: Uint8Array, width: number, radius: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const current = bits.slice();
  const visit = (lowest: number, left: number): void => {
    if (left === 0) {
      out.push(current.slice());
      return;
    }
    for (let i = lowest; i <= width - left; i++) {
      flip(current, width, i);
      visit(i + 1, left - 1);
      flip(current, width, i);
    }
  };
  for (let d = 0; d <= Math.min(radius, width); d++) visit(0, d);
  return out;
}

const CHUNK_PREFIX = 0xff;

/**
 * The PSI input of chunk j of an m-chunk cut: `0xff || utf8(algo) || 0x00 || nbits (u16) || m (u8) || j (u8) ||
 * width (u16) || chunk bits`. The leading 0xff never starts a UTF-8 algorithm name, so no chunk input equals a
 * whole-hash input, and chunks of different cuts, positions or algorithms never share one.
 */
export function chunkInput(algo: string, nbits: number, chunks: number, j: number, chunkBits: Uint8Array): Uint8Array {
  const name = utf8ToBytes(algo);
  const width = chunkRanges(nbits, chunks)[j]?.width;
  if (width === undefined) throw new PsiError(`chunk ${j} of ${chunks}`);
  const out = new Uint8Array(1 + name.length + 7 + chunkBits.length);
  out[0] = CHUNK_PREFIX;
  out.set(name, 1);
  let at = 1 + name.length + 1;
  out[at++] = nbits >>> 8;
  out[at++] = nbits & 0xff;
  out[at++] = chunks;
  out[at++] = j;
  out[at++] = width >>> 8;
  out[at++] = width & 0xff;
  out.set(chunkBits, at);
  return out;
}

/** The chunk inputs of one hash, chunk 0 first. */
export const chunkInputsOf = (hash: Hash, chunks: number): Uint8Array[] =>
  chunkRanges(hash.nbits, chunks).map((range, j) =>
    chunkInput(hash.algo, hash.nbits, chunks, j, extractBits(hash, range)),
  );

/**
 * PSI inputs parsed back into hashes that must share one algorithm and length (refused otherwise, naming `protocol`
 * and `what` they are), with that length (0 for none).
 */
export function parseSameHashes(
  inputs: readonly Uint8Array[],
  protocol: string,
  what: string,
): { hashes: Hash[]; nbits: number } {
  const hashes = inputs.map((x) => parsePsiInput(x));
  const first = hashes[0];
  if (hashes.some((h) => h.nbits !== first?.nbits || h.algo !== first.algo))
    throw new PsiError(`${protocol} needs ${what} of one algorithm and length`);
  return { hashes, nbits: first?.nbits ?? 0 };
}
