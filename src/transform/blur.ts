// Gaussian blur with a chosen standard deviation, by sharp (libvips).
import type { Image } from '../image/types.js';
import { viaSharp } from './sharp-io.js';
import { defineTransform } from './types.js';

export interface BlurParams {
  /** Standard deviation in pixels. */
  readonly sigma: number;
}

function blurImage(image: Image, params: BlurParams): Promise<Image> {
  return viaSharp(image, (p) => p.blur(params.sigma));
}

export const BLUR = defineTransform<BlurParams>({
  name: 'blur',
  summary: 'Gaussian blur with standard deviation sigma pixels',
  params: [{ name: 'sigma', kind: 'number', default: 2, min: 0.3, max: 100, summary: 'standard deviation in pixels' }],
  apply: blurImage,
});
