// Rotation: exact quarter turns, and arbitrary angles with the corners filled, the canvas expanded, or cropped to content.
import type { Image } from '../image/types.js';
import { sharpColour, viaSharp } from './sharp-io.js';
import { defineTransform } from './types.js';

const ROTATE_MODES = ['fill', 'expand', 'crop'] as const;
export type RotateMode = (typeof ROTATE_MODES)[number];

export interface RotateParams {
  /** Angle in degrees, clockwise. Multiples of 90 are exact pixel permutations. */
  readonly deg: number;
  /** fill: keep the original size; expand: grow the canvas to hold every pixel; crop: largest centred same-aspect rectangle free of fill. */
  readonly mode: RotateMode;
  /** Colour of the area the rotation uncovers (`rrggbb`). */
  readonly fill: string;
}

/**
 * The largest w'×h' rectangle with the original aspect ratio, centred, that lies inside a w×h image rotated by `deg`:
 * its corners must stay inside the rotated rectangle, so s·(w·|cos| + h·|sin|) ≤ w and s·(w·|sin| + h·|cos|) ≤ h.
 */
export function rotatedContentSize(width: number, height: number, deg: number): { width: number; height: number } {
  const rad = (deg * Math.PI) / 180;
  const c = Math.abs(Math.cos(rad));
  const s = Math.abs(Math.sin(rad));
  const scale = Math.min(width / (width * c + height * s), height / (width * s + height * c));
  return {
    width: Math.max(1, Math.floor(width * scale + 1e-9)),
    height: Math.max(1, Math.floor(height * scale + 1e-9)),
  };
}

/** Places `image` centred on a width×height canvas: cropping where it is larger, padding with `fill` where smaller. */
function centreOnCanvas(image: Image, width: number, height: number, fill: string): Promise<Image> {
  const cropW = Math.min(width, image.width);
  const cropH = Math.min(height, image.height);
  const left = Math.floor((image.width - cropW) / 2);
  const top = Math.floor((image.height - cropH) / 2);
  const padX = width - cropW;
  const padY = height - cropH;
  return viaSharp(image, (p) => {
    const cropped =
      cropW === image.width && cropH === image.height ? p : p.extract({ left, top, width: cropW, height: cropH });
    if (padX === 0 && padY === 0) return cropped;
    return cropped.extend({
      left: Math.floor(padX / 2),
      right: padX - Math.floor(padX / 2),
      top: Math.floor(padY / 2),
      bottom: padY - Math.floor(padY / 2),
      background: sharpColour(fill),
    });
  });
}

async function rotateImage(image: Image, params: RotateParams): Promise<Image> {
  const quarterTurns = params.deg / 90;
  if (Number.isInteger(quarterTurns)) {
    const angle = (((quarterTurns % 4) + 4) % 4) * 90;
    return angle === 0 ? viaSharp(image, (p) => p) : viaSharp(image, (p) => p.rotate(angle));
  }
  const rotated = await viaSharp(image, (p) => p.rotate(params.deg, { background: sharpColour(params.fill) }));
  switch (params.mode) {
    case 'expand':
      return rotated;
    case 'fill':
      return centreOnCanvas(rotated, image.width, image.height, params.fill);
    case 'crop': {
      const content = rotatedContentSize(image.width, image.height, params.deg);
      return centreOnCanvas(rotated, content.width, content.height, params.fill);
    }
  }
}

export const ROTATE = defineTransform<RotateParams>({
  name: 'rotate',
  summary:
    'rotate clockwise by deg (multiples of 90 exact); mode fill keeps the size, expand grows the canvas, crop keeps the largest fill-free centred rectangle',
  params: [
    { name: 'deg', kind: 'number', default: 4, min: -360, max: 360, summary: 'clockwise angle in degrees' },
    { name: 'mode', kind: 'choice', default: 'fill', choices: ROTATE_MODES, summary: 'how the canvas is sized' },
    { name: 'fill', kind: 'colour', default: '000000', summary: 'colour of uncovered corners' },
  ],
  apply: rotateImage,
});
