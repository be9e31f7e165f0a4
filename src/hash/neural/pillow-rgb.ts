// Pillow's `Image.resize` for RGB images: scanlab's bit-exact single-channel Pillow resampler applied to each channel.
import { pillowResize, type PillowFilter } from '../../image/pillow-resize.js';

/**
 * Resizes interleaved 8-bit pixels (`srcChannels` per pixel) to `width` × `height`, keeping the first `outChannels`
 * channels (3 of RGBA drops alpha, as `convert('RGB')`). Each channel is resampled as Pillow resizes an "L" image;
 * Pillow resamples RGB images per channel with the same coefficients and rounding, so this equals `Image.resize`.
 */
export function pillowResizeInterleaved(
  data: Uint8Array,
  srcWidth: number,
  srcHeight: number,
  srcChannels: number,
  outChannels: number,
  width: number,
  height: number,
  filter: PillowFilter,
): Uint8Array {
  const area = srcWidth * srcHeight;
  const out = new Uint8Array(width * height * outChannels);
  const plane = new Uint8Array(area);
  for (let c = 0; c < outChannels; c++) {
    for (let i = 0, s = c; i < area; i++, s += srcChannels) plane[i] = data[s]!;
    const resized = pillowResize(
      { width: srcWidth, height: srcHeight, channels: 1, data: plane },
      width,
      height,
      filter,
    ).data;
    for (let i = 0, o = c; i < resized.length; i++, o += outChannels) out[o] = resized[i]!;
  }
  return out;
}
