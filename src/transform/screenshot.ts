// The "screenshot / forward" chain: what a photo looks like after being shown on screen, captured and re-sent.
import type { Image } from '../image/types.js';
import { jpegReencode } from './jpeg.js';
import { padImage } from './pad.js';
import { resizeImage } from './resize.js';
import { defineTransform } from './types.js';

export interface ScreenshotParams {
  /** Rescale factor of the picture as displayed. */
  readonly scale: number;
  /** Border (screen UI around the picture) per side, as a fraction of each dimension of the rescaled picture. */
  readonly border: number;
  /** Border colour `rrggbb`. */
  readonly colour: string;
  /** JPEG quality of the re-sent capture. */
  readonly q: number;
}

/** resize(scale) then pad(frac=border, colour) then jpeg(q): equal to that chain, as one named transform. */
async function screenshotImage(image: Image, params: ScreenshotParams): Promise<Image> {
  const scaled = await resizeImage(image, { scale: params.scale, restore: false });
  const framed = await padImage(scaled, { frac: params.border, colour: params.colour });
  return jpegReencode(framed, { q: params.q });
}

export const SCREENSHOT = defineTransform<ScreenshotParams>({
  name: 'screenshot',
  summary: 'screenshot-and-forward: rescale, add a border (screen UI), re-encode as JPEG',
  params: [
    { name: 'scale', kind: 'number', default: 0.75, min: 0.01, max: 8, summary: 'rescale factor' },
    {
      name: 'border',
      kind: 'number',
      default: 0.08,
      min: 0,
      max: 2,
      summary: 'border per side, fraction of each dimension',
    },
    { name: 'colour', kind: 'colour', default: 'ffffff', summary: 'border colour' },
    { name: 'q', kind: 'number', default: 80, min: 1, max: 100, integer: true, summary: 'JPEG quality' },
  ],
  apply: screenshotImage,
});
