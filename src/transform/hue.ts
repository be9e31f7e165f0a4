// Hue rotation by a whole number of degrees, by sharp's modulate (libvips, in LCh).
import type { Image } from '../image/types.js';
import { viaSharp } from './sharp-io.js';
import { defineTransform } from './types.js';

export interface HueParams {
  /** Hue rotation in whole degrees. */
  readonly deg: number;
}

function hueImage(image: Image, params: HueParams): Promise<Image> {
  return viaSharp(image, (p) => p.modulate({ hue: params.deg }));
}

export const HUE = defineTransform<HueParams>({
  name: 'hue',
  summary: 'rotate hue by deg whole degrees (sharp modulate, LCh)',
  params: [
    {
      name: 'deg',
      kind: 'number',
      default: 30,
      min: -359,
      max: 359,
      integer: true,
      summary: 'hue rotation in degrees',
    },
  ],
  apply: hueImage,
});
