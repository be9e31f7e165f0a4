// The visual derivative a tpsi-ad voucher carries as associated data, as in Apple's design: a small greyscale
// thumbnail (64×64 JPEG by default), made on the device from the decoded pixels (BT.601 luma, area average to the
// square), JPEG-encoded at the best quality that fits the voucher's associated data.
import sharp from 'sharp';
import type { Image } from '../image/types.js';
import { PipelineUsageError } from './errors.js';

export const DERIVATIVE_SIZE = 64;
const QUALITIES = [75, 60, 45, 30, 15, 5] as const;

/** The image's luma averaged over `size`×`size` cells (each output pixel the mean of the input pixels it covers). */
export function greyThumbnail(image: Image, size: number): Uint8Array {
  const { width, height, channels, data } = image;
  const sums = new Float64Array(size * size);
  const counts = new Float64Array(size * size);
  const colOf = new Int32Array(width);
  for (let x = 0; x < width; x++) colOf[x] = Math.min(size - 1, Math.floor((x * size) / width));
  for (let y = 0; y < height; y++) {
    const row = Math.min(size - 1, Math.floor((y * size) / height)) * size;
    let at = y * width * channels;
    for (let x = 0; x < width; x++, at += channels) {
      const luma = channels >= 3 ? 0.299 * data[at]! + 0.587 * data[at + 1]! + 0.114 * data[at + 2]! : data[at]!;
      const cell = row + colOf[x]!;
      sums[cell]! += luma;
      counts[cell]! += 1;
    }
  }
  const out = new Uint8Array(size * size);
  for (let i = 0; i < out.length; i++) out[i] = counts[i]! > 0 ? Math.round(sums[i]! / counts[i]!) : 0;
  return out;
}

/** A `size`×`size` greyscale JPEG of the image (stretched to the square), at most `maxBytes` long. */
export async function visualDerivative(image: Image, maxBytes: number, size = DERIVATIVE_SIZE): Promise<Uint8Array> {
  const grey = greyThumbnail(image, size);
  for (const quality of QUALITIES) {
    const jpeg = await sharp(grey, { raw: { width: size, height: size, channels: 1 } })
      .toColourspace('b-w')
      .jpeg({ quality })
      .toBuffer();
    if (jpeg.length <= maxBytes) return new Uint8Array(jpeg);
  }
  throw new PipelineUsageError(
    `a ${size}×${size} greyscale JPEG does not fit in ${maxBytes} bytes of associated data even at quality ${QUALITIES.at(-1)}`,
  );
}
