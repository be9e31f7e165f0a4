// The WebAssembly image kernels against their JavaScript oracles (themselves checked byte for byte against Pillow in
// pillow-resize.test.ts and imagehash.test.ts): Pillow's resampling passes for every filter, odd sizes, up- and
// downscaling, and PIL's convert("L") for RGB and RGBA.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { GreyImage } from '../src/image/types.js';
import { pilLuma } from '../src/image/luma.js';
import { horizontalLayout } from '../src/image/pillow-resample-wasm.js';
import { pillowResize, pillowResizeLuma, resampleCoefficients, type PillowFilter } from '../src/image/pillow-resize.js';
import { createPrng } from '../src/util/prng.js';
import { wasmPath } from '../src/util/wasm.js';

const rng = createPrng(77);

function randomGrey(width: number, height: number): GreyImage {
  const data = Uint8Array.from({ length: width * height }, () => rng.nextInt(256));
  return { width, height, channels: 1, data };
}

function jsResize(img: GreyImage, w: number, h: number, filter: PillowFilter): Uint8Array {
  process.env.SCANLAB_NO_WASM = '1';
  try {
    return pillowResize(img, w, h, filter).data;
  } finally {
    delete process.env.SCANLAB_NO_WASM;
  }
}
afterEach(() => {
  delete process.env.SCANLAB_NO_WASM;
});

describe('WebAssembly Pillow resampling', () => {
  it('is built, so the imagehash conformance tests run on it', () => {
    expect(existsSync(wasmPath('pillow-resample')), 'run npm run build:wasm').toBe(true);
  });

  const filters: PillowFilter[] = ['box', 'bilinear', 'hamming', 'bicubic', 'lanczos'];
  it.each(filters)('%s: same pixels as the JavaScript passes on random sizes', (filter) => {
    const sizes: [number, number, number, number][] = [
      [1600, 37, 32, 32],
      [3900, 41, 32, 32],
      [700, 33, 8, 8],
      [203, 157, 9, 8],
      [61, 47, 64, 48],
      [3, 5, 1, 1],
      [7, 123, 200, 13],
      [257, 31, 16, 16],
      [17, 1, 5, 1],
      [4100, 70, 8, 8],
      [3001, 97, 16, 16],
      // Moderate reductions (split weights, windows of 9 to 16 taps), rows not a multiple of four, widths not a
      // multiple of sixteen: wHash's resize to a power of two.
      [1531, 1203, 1024, 1024],
      [977, 1501, 512, 515],
    ];
    for (const [w, h, ow, oh] of sizes) {
      const img = randomGrey(w, h);
      const fast = pillowResize(img, ow, oh, filter).data;
      expect(Buffer.from(fast).equals(Buffer.from(jsResize(img, ow, oh, filter))), `${w}x${h} -> ${ow}x${oh}`).toBe(
        true,
      );
    }
  });

  it('offset weights (one dot product per group plus c · Σ p) give the JavaScript pixels for moderate reductions', () => {
    // pHash's 32 columns from 3000- and 4000-pixel rows and aHash's 8 from 800 take the offset layout; random,
    // white, black and 0/255-striped rows test the pixel sums at both ends of their range.
    const cases: [number, number][] = [
      [4000, 32],
      [3000, 32],
      [800, 8],
      [801, 9],
    ];
    const fills: ((i: number) => number)[] = [() => rng.nextInt(256), () => 255, () => 0, (i) => (i & 1 ? 255 : 0)];
    for (const [w, ow] of cases) {
      expect(horizontalLayout(resampleCoefficients('lanczos', w, ow)), `${w} -> ${ow}`).toBe('offset');
      for (const fill of fills) {
        const img: GreyImage = {
          width: w,
          height: 7,
          channels: 1,
          data: Uint8Array.from({ length: w * 7 }, (_, i) => fill(i)),
        };
        const fast = pillowResize(img, ow, 3, 'lanczos').data;
        expect(Buffer.from(fast).equals(Buffer.from(jsResize(img, ow, 3, 'lanczos'))), `${w} -> ${ow}`).toBe(true);
      }
    }
    expect(horizontalLayout(resampleCoefficients('lanczos', 1400, 32))).toBe('split');
    expect(horizontalLayout(resampleCoefficients('lanczos', 5000, 32))).toBe('narrow');
  });

  it('keeps flat white and flat black images flat (no rounding drift)', () => {
    const flat = { width: 40, height: 30, channels: 1 as const, data: new Uint8Array(1200).fill(255) };
    expect(pillowResize(flat, 8, 8, 'lanczos').data.every((v) => v === 255)).toBe(true);
    const black = { ...flat, data: new Uint8Array(1200) };
    expect(pillowResize(black, 9, 8, 'bicubic').data.every((v) => v === 0)).toBe(true);
  });

  it('PIL convert("L") on the kernel equals the JavaScript formula for RGB and RGBA, every odd size', () => {
    expect(existsSync(wasmPath('pil-luma')), 'run npm run build:wasm').toBe(true);
    for (const channels of [3, 4] as const) {
      for (const [w, h] of [
        [1, 1],
        [3, 5],
        [257, 31],
        [640, 480],
      ] as const) {
        const data = Uint8Array.from({ length: w * h * channels }, () => rng.nextInt(256));
        const img = { width: w, height: h, channels, data };
        const fast = pilLuma(img).data;
        process.env.SCANLAB_NO_WASM = '1';
        const slow = pilLuma(img).data;
        delete process.env.SCANLAB_NO_WASM;
        expect(Buffer.from(fast).equals(Buffer.from(slow)), `${channels} channels, ${w}x${h}`).toBe(true);
        for (let i = 0; i < w * h; i += 97) {
          const [r, g, b] = [data[i * channels]!, data[i * channels + 1]!, data[i * channels + 2]!];
          expect(fast[i]).toBe(Math.floor((r * 19595 + g * 38470 + b * 7471 + 0x8000) / 65536));
        }
      }
    }
  });

  it('PIL convert("L") on the kernel equals the formula for every one of the 2^24 colours, as RGB and RGBA', () => {
    for (const channels of [3, 4] as const) {
      const n = 1 << 24;
      const data = new Uint8Array(n * channels);
      for (let c = 0, i = 0; c < n; c++, i += channels) {
        data[i] = c >>> 16;
        data[i + 1] = (c >>> 8) & 0xff;
        data[i + 2] = c & 0xff;
      }
      const fast = pilLuma({ width: 4096, height: 4096, channels, data }).data;
      let mismatches = 0;
      for (let c = 0; c < n; c++) {
        const expected = ((c >>> 16) * 19595 + ((c >>> 8) & 0xff) * 38470 + (c & 0xff) * 7471 + 0x8000) >>> 16;
        if (fast[c] !== expected) mismatches++;
      }
      expect(mismatches, `${channels} channels`).toBe(0);
    }
  });

  it('PIL convert("L") fused into the horizontal pass gives the JavaScript convert-then-resize pixels', () => {
    const sizes: [number, number, number, number][] = [
      [1600, 37, 32, 32],
      // Offset weights (reductions by about 79 to 138), with the luma rows' zero tail in the windows' last groups.
      [3900, 41, 32, 32],
      [700, 33, 8, 8],
      [203, 157, 9, 8],
      [61, 47, 64, 48],
      [17, 33, 16, 33],
      [3, 5, 1, 1],
      // Reductions by more than about 138 (every weight an i16: one dot product per eight taps), and sources over
      // the kernel's run of about 256 KiB (streamed through it a run of rows at a time).
      [4100, 70, 8, 8],
      [2900, 61, 9, 8],
      [1600, 200, 32, 32],
      [1531, 1203, 1024, 1024],
      [701, 599, 512, 256],
    ];
    for (const filter of ['bicubic', 'lanczos'] as const) {
      for (const channels of [3, 4] as const) {
        for (const [w, h, ow, oh] of sizes) {
          const data = Uint8Array.from({ length: w * h * channels }, () => rng.nextInt(256));
          const img = { width: w, height: h, channels, data };
          const fused = pillowResizeLuma(img, ow, oh, filter)!.data;
          process.env.SCANLAB_NO_WASM = '1';
          const slow = pillowResize(pilLuma(img), ow, oh, filter).data;
          delete process.env.SCANLAB_NO_WASM;
          expect(Buffer.from(fused).equals(Buffer.from(slow)), `${filter} ${channels}: ${w}x${h} -> ${ow}x${oh}`).toBe(
            true,
          );
        }
      }
    }
  });
});
