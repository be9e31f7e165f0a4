// Greyscale conversion that keeps three channels (R = G = B = Rec. 601 luma) so colour hashers still read RGB.
import { pilLuma } from '../image/luma.js';
import type { Image } from '../image/types.js';
import { defineTransform } from './types.js';

/** R = G = B = PIL's `convert("L")` luminance; alpha, if any, is kept. */
function greyscaleImage(image: Image): Image {
  const luma = pilLuma(image).data;
  const channels = image.channels === 4 ? 4 : 3;
  const out = new Uint8Array(luma.length * channels);
  const src = image.data;
  for (let p = 0, o = 0; p < luma.length; p++, o += channels) {
    const l = luma[p]!;
    out[o] = l;
    out[o + 1] = l;
    out[o + 2] = l;
    if (channels === 4) out[o + 3] = src[o + 3]!;
  }
  return { width: image.width, height: image.height, channels, data: out };
}

export const GREYSCALE = defineTransform<Record<string, never>>({
  name: 'greyscale',
  summary: 'R = G = B = Rec. 601 luma (PIL convert("L")), kept as RGB; alpha kept',
  params: [],
  apply: greyscaleImage,
});
