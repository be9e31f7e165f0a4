// How a perceptual hash enters PSI: domain-separated bytes, so hashes of different algorithms or lengths never collide.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Hash } from '../hash/types.js';
import { PsiError } from './errors.js';

/**
 * The PSI input of a hash: `utf8(algo) || 0x00 || nbits as 2 bytes big-endian || bits` (the packed bytes of
 * `src/hash`). The NUL ends the algorithm name, so no two (algo, nbits, bits) triples share an encoding.
 */
export function psiInput(hash: Hash): Uint8Array {
  const algo = utf8ToBytes(hash.algo);
  if (algo.length === 0 || algo.includes(0)) throw new PsiError(`hash algorithm name "${hash.algo}" cannot be encoded`);
  if (!Number.isInteger(hash.nbits) || hash.nbits < 1 || hash.nbits > 0xffff)
    throw new PsiError(`hash length ${hash.nbits} bits cannot be encoded`);
  if (hash.bits.length !== Math.ceil(hash.nbits / 8))
    throw new PsiError(`${hash.algo} hash has ${hash.bits.length} bytes for ${hash.nbits} bits`);
  const out = new Uint8Array(algo.length + 3 + hash.bits.length);
  out.set(algo, 0);
  out[algo.length + 1] = hash.nbits >>> 8;
  out[algo.length + 2] = hash.nbits & 0xff;
  out.set(hash.bits, algo.length + 3);
  return out;
}
