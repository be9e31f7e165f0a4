// What the imagehash family does first: PIL's convert("L"), then resize with LANCZOS (imagehash's ANTIALIAS).
import { pilLuma } from '../../image/luma.js';
import { pillowResize, pillowResizeLuma } from '../../image/pillow-resize.js';
import type { GreyImage, Image } from '../../image/types.js';

/** PIL luminance per decoded image, so several imagehash hashers of one image convert it once. */
const lumaCache = new WeakMap<Image, GreyImage>();

/** `image.convert("L")`, computed once per image object. */
export function pilGrey(image: Image): GreyImage {
  let grey = lumaCache.get(image);
  if (!grey) {
    grey = pilLuma(image);
    lumaCache.set(image, grey);
  }
  return grey;
}

/**
 * `image.convert("L").resize((width, height), Image.LANCZOS)`: from the grey image when one is already made,
 * else with the conversion fused into the resample where it can be, else converting first (and keeping the result).
 */
export function antialiasedGrey(image: Image, width: number, height: number): GreyImage {
  const grey = lumaCache.get(image);
  if (grey) return pillowResize(grey, width, height, 'lanczos');
  return pillowResizeLuma(image, width, height, 'lanczos') ?? pillowResize(pilGrey(image), width, height, 'lanczos');
}

/** imagehash's own check (`hash_size < 2` is a ValueError), plus integrality. */
export function checkHashSize(algo: string, hashSize: number): void {
  if (!Number.isInteger(hashSize) || hashSize < 2)
    throw new RangeError(`${algo} hash size must be an integer of at least 2, got ${hashSize}`);
}
