// Aspect-ratio change: each side scaled by its own factor, as when a picture is squeezed into another frame.
import type { Image } from '../image/types.js';
import { scaledLength } from './resize.js';
import { viaSharp } from './sharp-io.js';
import { defineTransform } from './types.js';

export interface StretchParams {
  /** Horizontal scale factor. */
  readonly x: number;
  /** Vertical scale factor. */
  readonly y: number;
}

/** Resizes to round(w·x) × round(h·y) with sharp's Lanczos-3 kernel, ignoring the aspect ratio. */
function stretchImage(image: Image, params: StretchParams): Promise<Image> {
  const w = scaledLength(image.width, params.x);
  const h = scaledLength(image.height, params.y);
  return viaSharp(image, (p) => p.resize(w, h, { fit: 'fill', kernel: 'lanczos3' }));
}

export const STRETCH = defineTransform<StretchParams>({
  name: 'stretch',
  summary: 'change the aspect ratio: width scaled by x, height by y (Lanczos-3)',
  params: [
    { name: 'x', kind: 'number', default: 1.25, min: 0.1, max: 10, summary: 'horizontal factor' },
    { name: 'y', kind: 'number', default: 1, min: 0.1, max: 10, summary: 'vertical factor' },
  ],
  apply: stretchImage,
});
