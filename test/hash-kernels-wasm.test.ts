// The WebAssembly hash kernels against their JavaScript oracles (themselves checked against the references in
// hash-core.test.ts, imagehash.test.ts and pdq-*.test.ts): blockhash's block sums, colorhash's counts, PDQ's luma
// and Jarosz filter and wHash's Haar stage, on random images of odd sizes and every channel count.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { blockhashSums } from '../src/hash/blockhash.js';
import { colorhashCounts } from '../src/hash/imagehash/colorhash.js';
import { whashLowFrequencies } from '../src/hash/imagehash/whash.js';
import { getHasher } from '../src/hash/registry.js';
import { pdqDownsample64 } from '../src/hash/pdq/jarosz.js';
import { pdqDct64To16 } from '../src/hash/pdq/dct.js';
import { wasmPdqStages } from '../src/hash/pdq/kernel.js';
import { pdqLuma } from '../src/hash/pdq/luma.js';
import { pdqDihedralHashes, pdqHashImage } from '../src/hash/pdq/pdq.js';
import { pdqQualityMetric } from '../src/hash/pdq/quality.js';
import type { Image } from '../src/image/types.js';
import { createPrng } from '../src/util/prng.js';
import { wasmPath } from '../src/util/wasm.js';

const rng = createPrng(2121);

/** Random pixels with smooth structure, flat runs, transparent pixels and greys, so every branch is taken. */
function randomImage(width: number, height: number, channels: 1 | 3 | 4): Image {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    const kind = rng.nextInt(8);
    const x = i % width;
    const y = Math.floor(i / width);
    for (let c = 0; c < channels; c++) {
      data[i * channels + c] = kind < 3 ? rng.nextInt(256) : kind < 6 ? (x * (c + 1) + y * 3) & 255 : (x + y) & 255;
    }
    if (channels === 4 && rng.nextInt(10) === 0) data[i * 4 + 3] = 0;
  }
  return { width, height, channels, data };
}

/** `fn` on the JavaScript path (SCANLAB_NO_WASM=1). */
function javascript<T>(fn: () => T): T {
  process.env.SCANLAB_NO_WASM = '1';
  try {
    return fn();
  } finally {
    delete process.env.SCANLAB_NO_WASM;
  }
}
afterEach(() => {
  delete process.env.SCANLAB_NO_WASM;
});

const SIZES: readonly [number, number][] = [
  [1, 1],
  [3, 5],
  [16, 16],
  [17, 33],
  [64, 48],
  [255, 37],
  [203, 157],
  [160, 97],
  [97, 160],
  [1024, 31],
  // Over the kernels' run of about 256 KiB, so the pixels stream through in several runs of rows.
  [1024, 300],
  [4001, 97],
];

describe('WebAssembly blockhash block sums', () => {
  it('is built, so the blockhash conformance tests run on it', () => {
    expect(existsSync(wasmPath('blockhash')), 'run npm run build:wasm').toBe(true);
  });

  it('equal the JavaScript sums bit for bit, every size, channel count and block count', () => {
    for (const [w, h] of SIZES) {
      for (const channels of [1, 3, 4] as const) {
        const img = randomImage(w, h, channels);
        for (const bits of [4, 8, 12, 16, 32]) {
          const fast = blockhashSums(img, bits);
          const slow = javascript(() => blockhashSums(img, bits));
          expect(Buffer.from(fast.buffer).equals(Buffer.from(slow.buffer)), `${w}x${h}x${channels}, ${bits}`).toBe(
            true,
          );
        }
      }
    }
  });

  it('equal the JavaScript sums when a band holds more than 257 rows of white (the 16-bit counters spill)', () => {
    for (const [w, h] of [
      [21, 1100],
      [16, 1032],
    ] as const) {
      for (const channels of [1, 3, 4] as const) {
        const img = randomImage(w, h, channels);
        img.data.fill(255, 0, Math.floor(img.data.length * 0.9));
        for (const bits of [4, 8]) {
          const fast = blockhashSums(img, bits);
          const slow = javascript(() => blockhashSums(img, bits));
          expect(Array.from(fast), `${w}x${h}x${channels}, ${bits}`).toEqual(Array.from(slow));
        }
      }
    }
  });
});

describe('WebAssembly colorhash counts', () => {
  it('is built, so the colorhash conformance tests run on it', () => {
    expect(existsSync(wasmPath('colorhash')), 'run npm run build:wasm').toBe(true);
  });

  it('equal the JavaScript counts on random images, every size and channel count', () => {
    for (const [w, h] of SIZES) {
      for (const channels of [1, 3, 4] as const) {
        const img = randomImage(w, h, channels);
        expect(colorhashCounts(img), `${w}x${h}x${channels}`).toEqual(javascript(() => colorhashCounts(img)));
      }
    }
  });

  it('equal the JavaScript counts for every one of the 2^24 RGB colours, 65,536 at a time, as RGB and RGBA', () => {
    for (const channels of [3, 4] as const) {
      const data = new Uint8Array(65536 * channels).fill(255);
      for (let r = 0; r < 256; r++) {
        for (let i = 0; i < 65536; i++) {
          data[channels * i] = r;
          data[channels * i + 1] = i >> 8;
          data[channels * i + 2] = i & 255;
        }
        const img: Image = { width: 256, height: 256, channels, data };
        expect(colorhashCounts(img), `red ${r}`).toEqual(javascript(() => colorhashCounts(img)));
      }
    }
  });
});

describe('WebAssembly PDQ luma and Jarosz filter', () => {
  it('is built, so the PDQ reference tests run on it', () => {
    expect(existsSync(wasmPath('pdq')), 'run npm run build:wasm').toBe(true);
  });

  it('gives the JavaScript 64×64 floats, DCT and quality bit for bit: odd sizes, over 512, grey and colour', () => {
    const sizes: [number, number][] = [
      [5, 5],
      [7, 130],
      [64, 64],
      [97, 203],
      [511, 37],
      [640, 480],
      [1031, 517],
    ];
    for (const [w, h] of sizes) {
      for (const channels of [1, 3, 4] as const) {
        const img = randomImage(w, h, channels);
        const greyRgb = { ...img, channels: 3 as const, data: new Uint8Array(w * h * 3) };
        if (channels === 1) for (let i = 0; i < w * h * 3; i++) greyRgb.data[i] = img.data[Math.floor(i / 3)]!;
        for (const input of channels === 1 ? [img, greyRgb] : [img]) {
          for (const preResize of [true, false]) {
            const fast = wasmPdqStages(input, preResize)!;
            const slow = pdqDownsample64(pdqLuma(input, preResize), false);
            const label = `${w}x${h}x${input.channels}, preResize ${preResize}`;
            expect(Buffer.from(fast.downsampled.buffer).equals(Buffer.from(slow.buffer)), label).toBe(true);
            expect(Buffer.from(fast.dct.buffer).equals(Buffer.from(pdqDct64To16(slow).buffer)), label).toBe(true);
            expect(fast.quality, label).toBe(pdqQualityMetric(slow));
          }
        }
      }
    }
  });

  it('hashes, qualities and dihedral sets equal the JavaScript path', () => {
    for (const [w, h] of [
      [64, 64],
      [300, 200],
      [777, 555],
    ] as const) {
      const img = randomImage(w, h, 3);
      expect(pdqHashImage(img)).toEqual(javascript(() => pdqHashImage(img)));
      expect(pdqDihedralHashes(img)).toEqual(javascript(() => pdqDihedralHashes(img)));
    }
  });
});

describe('WebAssembly wHash Haar stage', () => {
  it('is built, so the whash conformance tests run on it', () => {
    expect(existsSync(wasmPath('whash-haar')), 'run npm run build:wasm').toBe(true);
  });

  it('gives the JavaScript (pywt-exact) values bit for bit for every scale and hash size', () => {
    // Tiles of 2^min(5, log2(scale / hashSize)) pixels: every tile size from 1 (scale = hashSize) to 32, and 32²
    // tiles at 1024 (whash's size for photos of 1 to 4 Mpx).
    for (const scale of [2, 4, 8, 16, 32, 64, 256, 512, 1024]) {
      for (const hashSize of [2, 4, 8, 16]) {
        if (scale === 1024 && hashSize !== 8) continue;
        if (hashSize > scale) continue;
        const grey = randomImage(scale, scale, 1).data;
        const fast = whashLowFrequencies(grey, scale, hashSize);
        const slow = javascript(() => whashLowFrequencies(grey, scale, hashSize));
        expect(Buffer.from(fast.buffer).equals(Buffer.from(slow.buffer)), `${scale}, ${hashSize}`).toBe(true);
      }
    }
  });

  it('whole whash hashes (fused luma, resize to a power of two, Haar) equal the JavaScript path', () => {
    // Power of two just over half the short side (1031 -> 1024 with 2047 wide, 600 -> 512), at it (512 x 512),
    // non-square both ways, and tiny images where the power of two is the hash size.
    for (const [w, h, channels] of [
      [2047, 1031, 3],
      [600, 1500, 4],
      [512, 512, 3],
      [35, 17, 3],
      [9, 8, 1],
    ] as const) {
      const img = randomImage(w, h, channels);
      for (const algo of ['whash', 'whash:16']) {
        const fast = getHasher(algo).hash({ ...img });
        expect(fast, `${algo} ${w}x${h}x${channels}`).toEqual(javascript(() => getHasher(algo).hash({ ...img })));
      }
    }
  });
});
