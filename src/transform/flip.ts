// Mirroring: left–right (horizontal) or top–bottom (vertical).
import type { Image } from '../image/types.js';
import { viaSharp } from './sharp-io.js';
import { defineTransform } from './types.js';

const FLIP_AXES = ['h', 'v'] as const;

export interface FlipParams {
  /** h: mirror left–right; v: mirror top–bottom. */
  readonly axis: (typeof FLIP_AXES)[number];
}

function flipImage(image: Image, params: FlipParams): Promise<Image> {
  return viaSharp(image, (p) => (params.axis === 'h' ? p.flop() : p.flip()));
}

export const FLIP = defineTransform<FlipParams>({
  name: 'flip',
  summary: 'mirror: axis=h left-right, axis=v top-bottom',
  params: [
    { name: 'axis', kind: 'choice', default: 'h', choices: FLIP_AXES, summary: 'h (left-right) or v (top-bottom)' },
  ],
  apply: flipImage,
});
