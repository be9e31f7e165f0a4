// Rescaling by a factor (down or up), optionally back to the original size so that only the detail lost remains.
import type { Image } from '../image/types.js';
import { viaSharp } from './sharp-io.js';
import { defineTransform } from './types.js';

export interface ResizeParams {
  /** Factor applied to both sides. */
  readonly scale: number;
  /** Resize back to the original dimensions afterwards. */
  readonly restore: boolean;
}

/** The size a side of `length` pixels gets when scaled by `factor`: rounded, at least 1. */
export function scaledLength(length: number, factor: number): number {
  return Math.max(1, Math.round(length * factor));
}

/** Resizes with sharp's Lanczos-3 kernel to round(w·scale) × round(h·scale), then back to w × h if `restore`. */
export async function resizeImage(image: Image, params: ResizeParams): Promise<Image> {
  const w = scaledLength(image.width, params.scale);
  const h = scaledLength(image.height, params.scale);
  const scaled = await viaSharp(image, (p) => p.resize(w, h, { fit: 'fill', kernel: 'lanczos3' }));
  if (!params.restore) return scaled;
  return viaSharp(scaled, (p) => p.resize(image.width, image.height, { fit: 'fill', kernel: 'lanczos3' }));
}

export const RESIZE = defineTransform<ResizeParams>({
  name: 'resize',
  summary: 'rescale both sides by scale (Lanczos-3); restore=true scales back to the original size',
  params: [
    { name: 'scale', kind: 'number', default: 0.5, min: 0.01, max: 8, summary: 'scale factor for both sides' },
    { name: 'restore', kind: 'boolean', default: false, summary: 'resize back to the original size afterwards' },
  ],
  apply: resizeImage,
});
