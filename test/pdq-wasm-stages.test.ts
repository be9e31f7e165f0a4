// PDQ's WebAssembly stages against the JavaScript path (their oracle): the luminance, four pixels at a time where no
// column is resampled (every byte value in every channel, RGB and RGBA, widths that leave one to three pixels for
// the one-by-one tail, images over 512 px), and the quality metric, four pairs at a time, below its cap of 100.
import { afterEach, describe, expect, it } from 'vitest';
import type { Image } from '../src/image/types.js';
import { wasmPdqStages } from '../src/hash/pdq/kernel.js';
import { pdqDownsample64 } from '../src/hash/pdq/jarosz.js';
import { pdqLuma } from '../src/hash/pdq/luma.js';
import { pdqHashImage } from '../src/hash/pdq/pdq.js';
import { pdqQualityMetric } from '../src/hash/pdq/quality.js';
import { createPrng } from '../src/util/prng.js';

afterEach(() => {
  delete process.env.SCANLAB_NO_WASM;
});

/** Pixel i has channel c = (i · step_c + offset_c) mod 256: each channel runs through every byte value. */
function sweep(width: number, height: number, channels: 3 | 4): Image {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    data[i * channels] = i & 255;
    data[i * channels + 1] = (i * 7 + 3) & 255;
    data[i * channels + 2] = (i * 13 + 100) & 255;
    if (channels === 4) data[i * channels + 3] = (i * 5) & 255;
  }
  return { width, height, channels, data };
}

describe('PDQ luminance on WebAssembly', () => {
  it('gives the JavaScript 64×64 floats for every byte value, RGB and RGBA, every tail length', () => {
    for (const channels of [3, 4] as const) {
      for (const [w, h] of [
        [256, 16],
        [257, 19],
        [130, 66],
        [67, 255],
        [600, 40],
      ] as const) {
        const img = sweep(w, h, channels);
        for (const preResize of [true, false]) {
          const fast = wasmPdqStages(img, preResize);
          expect(fast, 'run npm run build:wasm').not.toBeNull();
          const slow = pdqDownsample64(pdqLuma(img, preResize), false);
          const label = `${w}x${h}x${channels}, preResize ${preResize}`;
          expect(Buffer.from(fast!.downsampled.buffer).equals(Buffer.from(slow.buffer)), label).toBe(true);
        }
      }
    }
  });

  it('scores quality as the JavaScript metric does, across the whole range below the cap', () => {
    const rng = createPrng(90);
    const seen = new Set<number>();
    for (let k = 0; k < 40; k++) {
      // Low-contrast noise over a gradient: the contrast sets the score anywhere from 0 to 100.
      const contrast = k % 20;
      const w = 64 + rng.nextInt(200);
      const h = 64 + rng.nextInt(200);
      const data = new Uint8Array(w * h * 3);
      for (let i = 0; i < w * h; i++) {
        const v = 100 + Math.floor((20 * (i % w)) / w) + rng.nextInt(contrast + 1);
        data[3 * i] = v;
        data[3 * i + 1] = v + rng.nextInt(2);
        data[3 * i + 2] = v;
      }
      const fast = wasmPdqStages({ width: w, height: h, channels: 3, data }, true)!;
      expect(fast.quality, `${w}x${h}, contrast ${contrast}`).toBe(pdqQualityMetric(fast.downsampled));
      seen.add(fast.quality);
    }
    expect([...seen].filter((q) => q > 0 && q < 100).length).toBeGreaterThan(5);
  });

  it('hashes random photos-sized images as the JavaScript path does', () => {
    const rng = createPrng(256);
    for (const [w, h] of [
      [256, 256],
      [255, 181],
      [512, 384],
    ] as const) {
      const data = Uint8Array.from({ length: w * h * 3 }, () => rng.nextInt(256));
      const img: Image = { width: w, height: h, channels: 3, data };
      const fast = pdqHashImage(img);
      process.env.SCANLAB_NO_WASM = '1';
      expect(fast, `${w}x${h}`).toEqual(pdqHashImage(img));
    }
  });
});
