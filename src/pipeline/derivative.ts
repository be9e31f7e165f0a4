// The visual derivative a tpsi-ad voucher carries as associated data, as in Apple's design: a small greyscale
// thumbnail (64×64 JPEG by default), made on the device from the decoded pixels (BT.601 luma, area average to the
// square), JPEG-encoded at the best quality that fits the voucher's associated data.
import sharp from 'sharp';
import type { Image } from '../image/types.js';
import { PipelineUsageError } from './errors.js';

export const DERIVATIVE_SIZE = 64;
const QUALITIES = [75, 60, 45, 30, 15, 5] as const;

/**
 * The image's luma (BT.601 in 8-bit fixed point: (77 R + 150 G + 29 B) / 256) averaged over `size`×`size` cells, each
 * output pixel the mean of the input pixels it covers.
 */
export function greyThumbnail(image: Image, size: number): Uint8Array {
  const { width, height, channels, data } = image;
  const sums = new Float64Array(size * size);
  const colOf = new Int32Array(width);
  const colCount = new Float64Array(size);
  const rowCount = new Float64Array(size);
  for (let x = 0; x < width; x++) {
    const c = Math.min(size - 1, Math.floor((x * size) / width));
    colOf[x] = c;
    colCount[c]! += 1;
  }
  const rgb = channels >= 3;
  for (let y = 0; y < height; y++) {
    const r = Math.min(size - 1, Math.floor((y * size) / height));
    rowCount[r]! += 1;
    const row = r * size;
    let at = y * width * channels;
    for (let x = 0; x < width; x++, at += channels) {
      const luma = rgb ? 77 * data[at]! + 150 * data[at + 1]! + 29 * data[at + 2]! : 256 * data[at]!;
      sums[row + colOf[x]!]! += luma;
    }
  }
  const out = new Uint8Array(size * size);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      const n = rowCount[r]! * colCount[c]!;
      if (n > 0) out[r * size + c] = Math.min(255, Math.round(sums[r * size + c]! / (256 * n)));
      else {
        // An image smaller than the grid leaves cells with no pixel: they take the pixel under their centre.
        const at =
          (Math.floor(((r + 0.5) * height) / size) * width + Math.floor(((c + 0.5) * width) / size)) * channels;
        const luma = rgb ? 77 * data[at]! + 150 * data[at + 1]! + 29 * data[at + 2]! : 256 * data[at]!;
        out[r * size + c] = Math.round(luma / 256);
      }
    }
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
