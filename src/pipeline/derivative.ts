// The visual derivative a tpsi-ad voucher carries as associated data, as in Apple's design: a small greyscale
// thumbnail (64×64 JPEG by default), made on the device from the decoded pixels, at the best JPEG quality that fits.
import sharp from 'sharp';
import type { Image } from '../image/types.js';
import { PipelineUsageError } from './errors.js';

export const DERIVATIVE_SIZE = 64;
const QUALITIES = [75, 60, 45, 30, 15, 5] as const;

/** A `size`×`size` greyscale JPEG of the image (stretched to the square), at most `maxBytes` long. */
export async function visualDerivative(image: Image, maxBytes: number, size = DERIVATIVE_SIZE): Promise<Uint8Array> {
  const grey = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .removeAlpha()
    .greyscale()
    .resize(size, size, { fit: 'fill' })
    .raw()
    .toBuffer();
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
