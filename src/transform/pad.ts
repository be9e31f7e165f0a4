// Padding: a solid border added on every side, its width a fraction of the side it borders.
import type { Image } from '../image/types.js';
import { sharpColour, viaSharp } from './sharp-io.js';
import { defineTransform } from './types.js';

export interface PadParams {
  /** Border on the left and right as a fraction of the width, on the top and bottom as a fraction of the height. */
  readonly frac: number;
  /** Border colour `rrggbb`. */
  readonly colour: string;
}

/** The border widths for a w×h image: round(w·frac) left and right, round(h·frac) top and bottom. */
function padBorders(width: number, height: number, frac: number): { x: number; y: number } {
  return { x: Math.round(width * frac), y: Math.round(height * frac) };
}

/** Adds the border; the output is (w + 2·round(w·frac)) × (h + 2·round(h·frac)). Alpha, if any, is opaque in the border. */
export function padImage(image: Image, params: PadParams): Promise<Image> {
  const { x, y } = padBorders(image.width, image.height, params.frac);
  if (x === 0 && y === 0) return viaSharp(image, (p) => p);
  return viaSharp(image, (p) =>
    p.extend({ left: x, right: x, top: y, bottom: y, background: sharpColour(params.colour) }),
  );
}

export const PAD = defineTransform<PadParams>({
  name: 'pad',
  summary: 'add a solid border of frac times the width (left, right) and height (top, bottom)',
  params: [
    {
      name: 'frac',
      kind: 'number',
      default: 0.2,
      min: 0,
      max: 2,
      summary: 'border per side as a fraction of that dimension',
    },
    { name: 'colour', kind: 'colour', default: '000000', summary: 'border colour' },
  ],
  apply: padImage,
});
