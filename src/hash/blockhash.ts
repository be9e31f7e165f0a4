// blockhash (Yang, Gu & Niu's block mean value hash, method 2) through the `blockhash-core` reference package.
import { bmvbhash } from 'blockhash-core';
import type { Image } from '../image/types.js';
import { fromHex } from './bits.js';
import type { Hash, Hasher } from './types.js';

/** RGBA view of an image: blockhash reads 4 bytes a pixel and counts fully transparent pixels as white. */
function rgba(img: Image): Uint8Array {
  if (img.channels === 4) return img.data;
  const n = img.width * img.height;
  const out = new Uint8Array(n * 4);
  const c = img.channels;
  for (let i = 0; i < n; i++) {
    const s = i * c;
    out[4 * i] = img.data[s]!;
    out[4 * i + 1] = img.data[s + (c === 3 ? 1 : 0)]!;
    out[4 * i + 2] = img.data[s + (c === 3 ? 2 : 0)]!;
    out[4 * i + 3] = 255;
  }
  return out;
}

/** blockhash with `bitsPerSide` blocks per side (default 16, a 256-bit hash), on the full-resolution RGBA pixels. */
export function blockhash(bitsPerSide = 16): Hasher<string> {
  if (!Number.isInteger(bitsPerSide) || bitsPerSide < 4 || bitsPerSide % 4 !== 0) {
    throw new RangeError(`blockhash bits per side must be a multiple of 4 and at least 4, got ${bitsPerSide}`);
  }
  const id = bitsPerSide === 16 ? 'blockhash' : `blockhash:${bitsPerSide}`;
  const nbits = bitsPerSide * bitsPerSide;
  return {
    id,
    nbits,
    decode: {},
    hasQuality: false,
    hash(image: Image): Hash<string> {
      const hex = bmvbhash({ width: image.width, height: image.height, data: rgba(image) }, bitsPerSide);
      return fromHex(id, nbits, hex);
    },
  };
}
