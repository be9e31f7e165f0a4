// Shared helpers for the transforms that work pixel by pixel on our own typed arrays.
import type { Image } from '../image/types.js';
import { colourImage } from './sharp-io.js';

/** Rounds and clamps a value to 0–255. */
export function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/** A copy of the image as RGB/RGBA (grey expanded), safe to write into. */
export function writableColourCopy(image: Image): Image {
  const img = colourImage(image);
  return {
    width: img.width,
    height: img.height,
    channels: img.channels,
    data: img === image ? new Uint8Array(img.data) : img.data,
  };
}

/** Maps every colour sample (not alpha) through a 256-entry table; the input is not modified. */
export function applyLut(image: Image, lut: Uint8Array): Image {
  const out = writableColourCopy(image);
  const d = out.data;
  if (out.channels === 3) {
    for (let i = 0; i < d.length; i++) d[i] = lut[d[i]!]!;
  } else {
    for (let i = 0; i < d.length; i += 4) {
      d[i] = lut[d[i]!]!;
      d[i + 1] = lut[d[i + 1]!]!;
      d[i + 2] = lut[d[i + 2]!]!;
    }
  }
  return out;
}

/** A 256-entry table from a function of the sample value, rounded and clamped. */
export function buildLut(f: (v: number) => number): Uint8Array {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = clampByte(f(v));
  return lut;
}
