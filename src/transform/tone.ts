// Photometric edits through a lookup table: brightness (scale), contrast (about the mean grey) and gamma.
import { pilLuma } from '../image/luma.js';
import type { Image } from '../image/types.js';
import { applyLut, buildLut } from './pixels.js';
import { defineTransform } from './types.js';

export interface BrightnessParams {
  /** Multiplier: 1 leaves the image unchanged, 0 makes it black. */
  readonly factor: number;
}

export interface ContrastParams {
  /** 1 leaves the image unchanged, 0 makes it a flat grey at its mean luminance. */
  readonly factor: number;
}

export interface GammaParams {
  /** Exponent applied to values in [0, 1]: g > 1 darkens, g < 1 lightens, 1 is the identity. */
  readonly g: number;
}

/** v ↦ v · factor, as PIL's `ImageEnhance.Brightness` (a blend with black). */
function brightnessImage(image: Image, params: BrightnessParams): Image {
  return applyLut(
    image,
    buildLut((v) => v * params.factor),
  );
}

/** The mean Rec. 601 luminance of the image, rounded to an integer as PIL's `ImageEnhance.Contrast` rounds it. */
export function meanLuma(image: Image): number {
  const luma = pilLuma(image).data;
  let sum = 0;
  for (let i = 0; i < luma.length; i++) sum += luma[i]!;
  return Math.floor(sum / luma.length + 0.5);
}

/** v ↦ m + factor · (v − m), m the mean luminance: PIL's `ImageEnhance.Contrast` (a blend with flat mean grey). */
function contrastImage(image: Image, params: ContrastParams): Image {
  const mean = meanLuma(image);
  return applyLut(
    image,
    buildLut((v) => mean + params.factor * (v - mean)),
  );
}

/** v ↦ 255 · (v / 255)^g, as scikit-image's `adjust_gamma` and imgaug's `GammaContrast`. */
function gammaImage(image: Image, params: GammaParams): Image {
  return applyLut(
    image,
    buildLut((v) => 255 * Math.pow(v / 255, params.g)),
  );
}

export const BRIGHTNESS = defineTransform<BrightnessParams>({
  name: 'brightness',
  summary: 'multiply every colour value by factor (PIL ImageEnhance.Brightness)',
  params: [{ name: 'factor', kind: 'number', default: 1.3, min: 0, max: 10, summary: 'multiplier, 1 = unchanged' }],
  apply: brightnessImage,
});

export const CONTRAST = defineTransform<ContrastParams>({
  name: 'contrast',
  summary: 'scale values about the mean luminance by factor (PIL ImageEnhance.Contrast)',
  params: [
    { name: 'factor', kind: 'number', default: 0.7, min: 0, max: 10, summary: 'contrast factor, 1 = unchanged' },
  ],
  apply: contrastImage,
});

export const GAMMA = defineTransform<GammaParams>({
  name: 'gamma',
  summary: 'v -> 255 (v/255)^g: g > 1 darkens, g < 1 lightens',
  params: [{ name: 'g', kind: 'number', default: 2, min: 0.05, max: 20, summary: 'gamma exponent, 1 = unchanged' }],
  apply: gammaImage,
});
