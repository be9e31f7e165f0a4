// imagehash.phash: LANCZOS-resize the PIL luminance to (4·hash_size)², 2-D DCT-II (scipy.fftpack, unnormalised),
// keep the hash_size² lowest frequencies (DC included) and set the bits of those above their median.
import type { Image } from '../../image/types.js';
import { packMsbFirst } from '../bits.js';
import { dct2dLowFrequencies, dctPlan } from './dct.js';
import { antialiasedGrey, checkHashSize } from './input.js';
import { median } from './median.js';
import type { Hash, Hasher } from '../types.js';
import { defineHasher } from '../define.js';

/** imagehash's default highfreq_factor: the DCT runs on a (4·hash_size)² thumbnail. */
const HIGHFREQ_FACTOR = 4;

/** phash(image, hash_size, highfreq_factor=4): bit (u, v) = dct[u][v] > median(dct[:hash_size, :hash_size]). */
export function phash(hashSize = 8): Hasher<string> {
  checkHashSize('phash', hashSize);
  const id = hashSize === 8 ? 'phash' : `phash:${hashSize}`;
  const nbits = hashSize * hashSize;
  const side = hashSize * HIGHFREQ_FACTOR;
  dctPlan(side);
  return defineHasher({
    id,
    nbits,
    hash(image: Image): Hash<string> {
      const pixels = Float64Array.from(antialiasedGrey(image, side, side).data);
      const low = dct2dLowFrequencies(pixels, side, hashSize, hashSize);
      const med = median(low);
      const bits = new Uint8Array(nbits);
      for (let i = 0; i < nbits; i++) bits[i] = low[i]! > med ? 1 : 0;
      return packMsbFirst(id, bits);
    },
  });
}
