// JPEG re-encoding at a chosen quality, decoded back with the same decoder the hashers use.
import { decodeImage } from '../image/decode.js';
import type { Image } from '../image/types.js';
import { toSharp } from './sharp-io.js';
import { defineTransform } from './types.js';

export interface JpegParams {
  /** libjpeg quality 1–100. */
  readonly q: number;
}

/**
 * Encodes the image as a baseline JPEG (libjpeg-turbo via sharp, 4:2:0 chroma subsampling, no mozjpeg tuning) and
 * decodes it again. JPEG has no alpha: transparent areas are flattened onto white first. The output is RGB.
 */
export async function jpegReencode(image: Image, params: JpegParams): Promise<Image> {
  const encoded = await toSharp(image)
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .jpeg({ quality: params.q, chromaSubsampling: '4:2:0' })
    .toBuffer();
  return decodeImage(encoded);
}

export const JPEG = defineTransform<JpegParams>({
  name: 'jpeg',
  summary: 'JPEG re-encode at quality q (4:2:0), decoded again; alpha flattened onto white',
  params: [{ name: 'q', kind: 'number', default: 75, min: 1, max: 100, integer: true, summary: 'JPEG quality' }],
  apply: jpegReencode,
});
