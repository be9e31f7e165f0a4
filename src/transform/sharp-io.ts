// Moves our Image type in and out of sharp's raw pipelines without changing its channel layout.
import sharp from 'sharp';
import { toRgb } from '../image/luma.js';
import type { Image } from '../image/types.js';
import { TransformError } from './errors.js';

/** The image as RGB or RGBA: grey input is expanded (sharp would expand it anyway, and transforms keep colour). */
export function colourImage(image: Image): Image {
  return image.channels === 1 ? toRgb(image) : image;
}

/** A sharp pipeline reading the image's pixels (grey expanded to RGB). */
export function toSharp(image: Image): sharp.Sharp {
  const img = colourImage(image);
  const buf = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return sharp(buf, { raw: { width: img.width, height: img.height, channels: img.channels } });
}

/**
 * Runs a pipeline to raw 8-bit pixels with the given channel count: alpha sharp added (e.g. by compositing) is
 * dropped when the input had none, and kept when it had.
 */
export async function fromSharp(pipeline: sharp.Sharp, channels: 3 | 4): Promise<Image> {
  const shaped = channels === 3 ? pipeline.removeAlpha() : pipeline.ensureAlpha();
  const { data, info } = await shaped.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== channels)
    throw new TransformError('unsupported-image', `expected ${channels} channels from sharp, got ${info.channels}`);
  return {
    width: info.width,
    height: info.height,
    channels,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

/** The channel count a transform's output keeps: 4 if the input has alpha, else 3. */
export function outputChannels(image: Image): 3 | 4 {
  return image.channels === 4 ? 4 : 3;
}

/** Applies a sharp operation to an image, keeping RGB as RGB and RGBA as RGBA. */
export function viaSharp(image: Image, operation: (pipeline: sharp.Sharp) => sharp.Sharp): Promise<Image> {
  return fromSharp(operation(toSharp(image)), outputChannels(image));
}

/** A colour `rrggbb` as sharp's background object, opaque. */
export function sharpColour(hex: string): { r: number; g: number; b: number; alpha: number } {
  const n = parseInt(hex, 16);
  return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255, alpha: 1 };
}
