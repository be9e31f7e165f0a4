// Cropping to a fraction of each side, anchored at the centre, a corner, or a seeded random position.
import type { Image } from '../image/types.js';
import { createPrng } from '../util/prng.js';
import { scaledLength } from './resize.js';
import { viaSharp } from './sharp-io.js';
import { defineTransform } from './types.js';

const CROP_ANCHORS = ['center', 'tl', 'tr', 'bl', 'br', 'random'] as const;
export type CropAnchor = (typeof CROP_ANCHORS)[number];

export interface CropParams {
  /** Fraction of each side kept (0.95 removes 5% of the width and 5% of the height). */
  readonly frac: number;
  readonly anchor: CropAnchor;
}

/** The kept rectangle: round(w·frac) × round(h·frac), placed by the anchor (uniformly at random for `random`). */
export function cropRectangle(
  width: number,
  height: number,
  params: CropParams,
  seed: number,
): { left: number; top: number; width: number; height: number } {
  const w = Math.min(width, scaledLength(width, params.frac));
  const h = Math.min(height, scaledLength(height, params.frac));
  const spareX = width - w;
  const spareY = height - h;
  switch (params.anchor) {
    case 'center':
      return { left: Math.floor(spareX / 2), top: Math.floor(spareY / 2), width: w, height: h };
    case 'tl':
      return { left: 0, top: 0, width: w, height: h };
    case 'tr':
      return { left: spareX, top: 0, width: w, height: h };
    case 'bl':
      return { left: 0, top: spareY, width: w, height: h };
    case 'br':
      return { left: spareX, top: spareY, width: w, height: h };
    case 'random': {
      const rng = createPrng(seed);
      return { left: rng.nextInt(spareX + 1), top: rng.nextInt(spareY + 1), width: w, height: h };
    }
  }
}

function cropImage(image: Image, params: CropParams, seed: number): Promise<Image> {
  const rect = cropRectangle(image.width, image.height, params, seed);
  return viaSharp(image, (p) => p.extract(rect));
}

export const CROP = defineTransform<CropParams>({
  name: 'crop',
  summary: 'keep frac of each side, anchored at the centre, a corner (tl, tr, bl, br) or a seeded random place',
  params: [
    { name: 'frac', kind: 'number', default: 0.9, min: 0.05, max: 1, summary: 'fraction of each side kept' },
    {
      name: 'anchor',
      kind: 'choice',
      default: 'center',
      choices: CROP_ANCHORS,
      summary: 'where the kept rectangle sits',
    },
  ],
  apply: cropImage,
});
