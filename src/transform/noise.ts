// Additive Gaussian noise from a seeded generator, independent per colour sample, alpha untouched.
import type { Image } from '../image/types.js';
import { clampByte, writableColourCopy } from './pixels.js';
import { createPrng } from '../util/prng.js';
import { defineTransform } from './types.js';

export interface NoiseParams {
  /** Standard deviation in 8-bit units (0–255 scale). */
  readonly sigma: number;
}

/** Adds N(0, sigma²) to every R, G and B value, rounding and clamping to 0–255. Same seed, same noise. */
function noiseImage(image: Image, params: NoiseParams, seed: number): Image {
  const out = writableColourCopy(image);
  const d = out.data;
  const pixels = out.width * out.height;
  const normals = new Float32Array(3 * pixels);
  createPrng(seed).fillNormals(normals);
  const sigma = params.sigma;
  const step = out.channels;
  for (let p = 0, i = 0, n = 0; p < pixels; p++, i += step, n += 3) {
    d[i] = clampByte(d[i]! + sigma * normals[n]!);
    d[i + 1] = clampByte(d[i + 1]! + sigma * normals[n + 1]!);
    d[i + 2] = clampByte(d[i + 2]! + sigma * normals[n + 2]!);
  }
  return out;
}

export const NOISE = defineTransform<NoiseParams>({
  name: 'noise',
  summary: 'add seeded Gaussian noise of standard deviation sigma (8-bit units) to each colour value',
  params: [
    { name: 'sigma', kind: 'number', default: 10, min: 0, max: 255, summary: 'standard deviation, 0-255 scale' },
  ],
  apply: noiseImage,
});
