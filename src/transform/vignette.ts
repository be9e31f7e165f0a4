// Vignetting: colour values darkened towards the corners by 1 − strength · (r / r_corner)².
import type { Image } from '../image/types.js';
import { clampByte, writableColourCopy } from './pixels.js';
import { defineTransform } from './types.js';

export interface VignetteParams {
  /** Darkening at the corners: 0 = none, 1 = black corners. */
  readonly strength: number;
}

/** Multiplies R, G, B by 1 − strength · ρ², ρ the distance from the centre over the centre-to-corner distance. */
function vignetteImage(image: Image, params: VignetteParams): Image {
  const out = writableColourCopy(image);
  const { width, height, channels } = out;
  const d = out.data;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const k = params.strength / Math.max(1e-12, cx * cx + cy * cy);
  const dx2 = new Float64Array(width);
  for (let x = 0; x < width; x++) dx2[x] = (x - cx) * (x - cx);
  for (let y = 0; y < height; y++) {
    const dy2 = (y - cy) * (y - cy);
    let i = y * width * channels;
    for (let x = 0; x < width; x++, i += channels) {
      const gain = 1 - k * (dx2[x]! + dy2);
      d[i] = clampByte(d[i]! * gain);
      d[i + 1] = clampByte(d[i + 1]! * gain);
      d[i + 2] = clampByte(d[i + 2]! * gain);
    }
  }
  return out;
}

export const VIGNETTE = defineTransform<VignetteParams>({
  name: 'vignette',
  summary: 'darken towards the corners: gain 1 - strength (r/r_corner)^2',
  params: [
    { name: 'strength', kind: 'number', default: 0.5, min: 0, max: 1, summary: 'darkening at the corners, 0-1' },
  ],
  apply: vignetteImage,
});
