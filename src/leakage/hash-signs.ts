// A hash's bits as ±1 features in the algorithm's own bit order (PDQ: bit k = DCT cell k; the others: the bit array
// read most significant first, as they print it), the input of every inversion and attribute classifier.
import { bitAt } from '../hash/bits.js';
import { PDQ_ALGO, pdqBit, type PdqHash } from '../hash/pdq/bits.js';
import type { Hash } from '../hash/types.js';

/** +1 for a set bit, −1 for a clear one, `nbits` values. */
export function hashSigns(hash: Hash): Float64Array {
  const out = new Float64Array(hash.nbits);
  if (hash.algo === PDQ_ALGO) for (let k = 0; k < hash.nbits; k++) out[k] = pdqBit(hash as PdqHash, k) ? 1 : -1;
  else for (let i = 0; i < hash.nbits; i++) out[i] = bitAt(hash, i) ? 1 : -1;
  return out;
}

/** The algorithm family of a spec or hasher id: the text before the first ':' (`phash:16` → `phash`). */
export const algoFamily = (id: string): string => id.split(':')[0] ?? id;

/** The integer parameter of an id such as `phash:16`, or `fallback` without one. */
export function algoParam(id: string, fallback: number): number {
  const colon = id.indexOf(':');
  return colon < 0 ? fallback : Number(id.slice(colon + 1));
}
