// imagehash.dhash: LANCZOS-resize the PIL luminance to (hash_size + 1) × hash_size, compare horizontal neighbours.
import type { Image } from '../../image/types.js';
import { packMsbFirst } from '../bits.js';
import { antialiasedGrey, checkHashSize } from './input.js';
import type { Hash, Hasher } from '../types.js';
import { defineHasher } from '../define.js';

/** dhash(image, hash_size): bit (row, col) = pixel[row][col + 1] > pixel[row][col], row-major. */
export function dhash(hashSize = 8): Hasher<string> {
  checkHashSize('dhash', hashSize);
  const id = hashSize === 8 ? 'dhash' : `dhash:${hashSize}`;
  const nbits = hashSize * hashSize;
  const width = hashSize + 1;
  return defineHasher({
    id,
    nbits,
    hash(image: Image): Hash<string> {
      const pixels = antialiasedGrey(image, width, hashSize).data;
      const bits = new Uint8Array(nbits);
      for (let r = 0; r < hashSize; r++) {
        for (let c = 0; c < hashSize; c++)
          bits[r * hashSize + c] = pixels[r * width + c + 1]! > pixels[r * width + c]! ? 1 : 0;
      }
      return packMsbFirst(id, bits);
    },
  });
}
