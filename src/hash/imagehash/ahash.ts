// imagehash.average_hash: LANCZOS-resize the PIL luminance to hash_size², set the bits of pixels above the mean.
import type { Image } from '../../image/types.js';
import { packMsbFirst } from '../bits.js';
import { antialiasedGrey, checkHashSize } from './input.js';
import type { Hash, Hasher } from '../types.js';
import { defineHasher } from '../define.js';

/** average_hash(image, hash_size): bit i = pixel i > numpy.mean(pixels), pixels row-major. */
export function ahash(hashSize = 8): Hasher<string> {
  checkHashSize('ahash', hashSize);
  const id = hashSize === 8 ? 'ahash' : `ahash:${hashSize}`;
  const nbits = hashSize * hashSize;
  return defineHasher({
    id,
    nbits,
    hash(image: Image): Hash<string> {
      const pixels = antialiasedGrey(image, hashSize, hashSize).data;
      let sum = 0;
      for (let i = 0; i < nbits; i++) sum += pixels[i]!;
      const mean = sum / nbits;
      const bits = new Uint8Array(nbits);
      for (let i = 0; i < nbits; i++) bits[i] = pixels[i]! > mean ? 1 : 0;
      return packMsbFirst(id, bits);
    },
  });
}
