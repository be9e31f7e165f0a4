// imagehash.whash with its defaults (mode 'haar', remove_max_haar_ll=True, image_scale from the image): LANCZOS-resize
// the PIL luminance to the largest power of two ≤ min(width, height) (at least hash_size), scale to [0, 1], remove
// the overall mean with a full Haar decomposition, take the Haar approximation at hash_size² and threshold it at
// its median.
import type { Image } from '../../image/types.js';
import { packMsbFirst } from '../bits.js';
import { haarApproximation, haarRemoveMean } from './haar.js';
import { antialiasedGrey, checkHashSize } from './input.js';
import { median } from './median.js';
import type { Hash, Hasher } from '../types.js';
import { defineHasher } from '../define.js';

/** floor(log2(n)) for a positive integer. */
function log2Floor(n: number): number {
  return 31 - Math.clz32(n);
}

/** whash(image, hash_size): hash_size must be a power of two (imagehash asserts it). */
export function whash(hashSize = 8): Hasher<string> {
  checkHashSize('whash', hashSize);
  if ((hashSize & (hashSize - 1)) !== 0)
    throw new RangeError(`whash hash size must be a power of two, got ${hashSize}`);
  const id = hashSize === 8 ? 'whash' : `whash:${hashSize}`;
  const nbits = hashSize * hashSize;
  return defineHasher({
    id,
    nbits,
    hash(image: Image): Hash<string> {
      const scale = Math.max(2 ** log2Floor(Math.min(image.width, image.height)), hashSize);
      const maxLevel = log2Floor(scale);
      const grey = antialiasedGrey(image, scale, scale).data;
      const unit = new Float64Array(scale * scale);
      for (let i = 0; i < unit.length; i++) unit[i] = grey[i]! / 255;
      let low = haarRemoveMean(unit, scale, maxLevel);
      for (let size = scale; size > hashSize; size >>= 1) low = haarApproximation(low, size);
      const med = median(low);
      const bits = new Uint8Array(nbits);
      for (let i = 0; i < nbits; i++) bits[i] = low[i]! > med ? 1 : 0;
      return packMsbFirst(id, bits);
    },
  });
}
