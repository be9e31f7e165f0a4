// PDQ building blocks: the C++ tool's hashes of synthetic images (every size branch), hex codec and bit layout,
// median, pre-resize, quality gate, flat and tiny images, matching helpers, dihedral semantics and the registry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../src/image/decode.js';
import type { Image } from '../src/image/types.js';
import { toRgb } from '../src/image/luma.js';
import { hamming } from '../src/hash/hamming.js';
import { getHasher } from '../src/hash/registry.js';
import { HashError } from '../src/hash/types.js';
import { pdqBit, pdqFromHex, pdqHashFromDct, pdqToHex, pdqTorbenMedian, type PdqHash } from '../src/hash/pdq/bits.js';
import { PDQ_DIHEDRAL_NAMES } from '../src/hash/pdq/dihedral.js';
import { pdqJaroszWindowSize } from '../src/hash/pdq/jarosz.js';
import { pdqPreResize } from '../src/hash/pdq/luma.js';
import {
  PDQ_DEFAULT_MATCH_THRESHOLD,
  pdqDihedralDistance,
  pdqDihedralNearest,
  pdqMatch,
} from '../src/hash/pdq/match.js';
import { isBelowPdqQuality, PDQ_DEFAULT_MIN_QUALITY, pdqQualityNote } from '../src/hash/pdq/quality.js';
import { pdq, pdqDihedralHashes, pdqHashImage } from '../src/hash/pdq/pdq.js';
import { pixelsDir, syntheticCases, syntheticImage } from './vectors/pdq-pixels/pdq-vectors.js';

/** A copy of `hash` with its first `n` bits flipped. */
function flipBits(hash: PdqHash, n: number): PdqHash {
  const bits = hash.bits.slice();
  for (let k = 0; k < n; k++) bits[k >> 3]! ^= 0x80 >> (k & 7);
  return { ...hash, bits };
}

describe("PDQ on synthetic images, against the C++ tool's hashes (synthetic-cpp.csv)", () => {
  const rows = new Map(
    readFileSync(join(pixelsDir, 'synthetic-cpp.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const c = line.split(',');
        return [c[0], { hex: c[1], quality: Number(c[2]), dihedral: c.slice(3, 11), dihedralQuality: Number(c[11]) }];
      }),
  );
  const cases = syntheticCases();

  it('covers every case', () => expect([...rows.keys()].sort()).toEqual(cases.map((c) => c.name).sort()));

  for (const { name, image } of cases) {
    it(`${name}: same hash, quality and dihedral set`, () => {
      const cpp = rows.get(name)!;
      const hash = pdqHashImage(image);
      expect([pdqToHex(hash), hash.quality]).toEqual([cpp.hex, cpp.quality]);
      const variants = pdqDihedralHashes(image);
      expect(variants.map((v) => pdqToHex(v.hash))).toEqual(cpp.dihedral);
      expect(variants[0]!.hash.quality).toBe(cpp.dihedralQuality);
    });
  }
});

describe('PDQ hash layout and hex codec', () => {
  it('bit k = 16 i + j is DCT cell (i, j) above the median, printed as ThreatExchange does', () => {
    const ramp = Float32Array.from({ length: 256 }, (_, k) => k);
    const hash = pdqHashFromDct(ramp, 100);
    expect(pdqToHex(hash)).toBe('f'.repeat(32) + '0'.repeat(32));
    expect(pdqBit(hash, 128)).toBe(true);
    expect(pdqBit(hash, 127)).toBe(false);
    const onlyCell0 = Float32Array.from({ length: 256 }, (_, k) => (k === 0 ? 1 : 0));
    expect(pdqToHex(pdqHashFromDct(onlyCell0, 100))).toBe('0'.repeat(63) + '1');
    const onlyCell17 = Float32Array.from({ length: 256 }, (_, k) => (k === 17 ? 1 : 0));
    expect(pdqToHex(pdqHashFromDct(onlyCell17, 100))).toBe('0'.repeat(59) + '2' + '0'.repeat(4));
  });

  it('hex round-trips, ignoring case and blanks, and rejects malformed input', () => {
    const hex = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22';
    const hash = pdqFromHex(` ${hex.toUpperCase()}\n`, 87);
    expect(pdqToHex(hash)).toBe(hex);
    expect([hash.algo, hash.nbits, hash.quality]).toEqual(['pdq', 256, 87]);
    expect(pdqBit(hash, 1)).toBe(true);
    expect(pdqBit(hash, 0)).toBe(false);
    expect(() => pdqFromHex(hex.slice(1))).toThrow(HashError);
    expect(() => pdqFromHex(hex.slice(1) + 'g')).toThrow(HashError);
  });

  it("Torben's median is the lower middle value of the sorted block", () => {
    const image = syntheticImage('noise', 256, 1, 1, 7);
    for (const n of [1, 2, 3, 16, 255, 256]) {
      const values = Float32Array.from(image.data.subarray(0, n), (v, i) => (v - 128) / 3 + (i % 5 === 0 ? 0 : 0.25));
      const sorted = [...values].sort((a, b) => a - b);
      expect(pdqTorbenMedian(values), `n = ${n}`).toBe(sorted[(n - 1) >> 1]);
    }
  });
});

describe('PDQ input stage', () => {
  it('box windows cover half an output pixel per pass, rounded up', () => {
    expect([4, 63, 64, 65, 128, 129, 512, 1024].map((n) => pdqJaroszWindowSize(n, 64))).toEqual([
      1, 1, 1, 1, 1, 2, 4, 8,
    ]);
  });

  it('pre-resize samples images over 512 to exactly 512×512 by floor(i · size / 512), and leaves others alone', () => {
    const image = syntheticImage('noise', 1000, 300, 3, 3);
    const shrunk = pdqPreResize(image);
    expect([shrunk.width, shrunk.height]).toEqual([512, 512]);
    for (const [x, y] of [
      [0, 0],
      [511, 511],
      [300, 17],
      [1, 510],
    ] as const) {
      const sx = Math.floor((x * 1000) / 512);
      const sy = Math.floor((y * 300) / 512);
      expect([...shrunk.data.subarray((y * 512 + x) * 3, (y * 512 + x) * 3 + 3)]).toEqual([
        ...image.data.subarray((sy * 1000 + sx) * 3, (sy * 1000 + sx) * 3 + 3),
      ]);
    }
    const small = syntheticImage('noise', 512, 200, 1, 4);
    expect(pdqPreResize(small)).toBe(small);
  });

  it('alpha is dropped, not composited; grey pixels hash the same as one channel or three', () => {
    const rgb = syntheticImage('blocks', 150, 90, 3, 9);
    const rgba = new Uint8Array(150 * 90 * 4);
    for (let i = 0; i < 150 * 90; i++) {
      rgba.set(rgb.data.subarray(3 * i, 3 * i + 3), 4 * i);
      rgba[4 * i + 3] = (i * 37) & 255;
    }
    const withAlpha: Image = { width: 150, height: 90, channels: 4, data: rgba };
    expect(pdqToHex(pdqHashImage(withAlpha))).toBe(pdqToHex(pdqHashImage(rgb)));
    const grey = syntheticImage('gradient', 150, 90, 1, 2);
    expect(pdqToHex(pdqHashImage(toRgb(grey)))).toBe(pdqToHex(pdqHashImage(grey)));
  });

  it('EXIF orientation is ignored by default, as by the C++ tool, and applied on request', async () => {
    const image = syntheticImage('blocks', 500, 400, 3, 5);
    const jpeg = await sharp(Buffer.from(image.data), { raw: { width: 500, height: 400, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const asStored = await decodeImage(jpeg);
    const oriented = await decodeImage(jpeg, { applyExifOrientation: true });
    expect([asStored.width, oriented.width]).toEqual([500, 400]);
    const variants = pdqDihedralHashes(asStored);
    expect(hamming(variants[0]!.hash, pdqHashImage(image))).toBeLessThanOrEqual(PDQ_DEFAULT_MATCH_THRESHOLD);
    expect(pdqDihedralNearest(variants, pdqHashImage(oriented)).name).toBe('r270');
  });

  it('images under 5 pixels on a side get the all-zero hash with quality 0, in all eight variants', () => {
    const tiny = syntheticImage('noise', 4, 300, 3, 5);
    expect(pdqToHex(pdqHashImage(tiny))).toBe('0'.repeat(64));
    expect(pdqHashImage(tiny).quality).toBe(0);
    expect(pdqDihedralHashes(tiny).every((v) => v.hash.quality === 0 && v.hash.bits.every((b) => b === 0))).toBe(true);
  });
});

describe('PDQ quality gate', () => {
  it('an all-black image has quality 0 and the all-zero hash; a flat grey one quality 0 and a noted hash', () => {
    const black: Image = { width: 200, height: 120, channels: 3, data: new Uint8Array(200 * 120 * 3) };
    const blackHash = pdqHashImage(black);
    expect([pdqToHex(blackHash), blackHash.quality]).toEqual(['0'.repeat(64), 0]);
    const flat = pdqHashImage(syntheticImage('flat', 200, 120, 3, 1));
    expect(flat.quality).toBe(0);
    expect(pdqToHex(flat)).toMatch(/^[0-9a-f]{64}$/);
    for (const h of [blackHash, flat]) {
      expect(isBelowPdqQuality(h)).toBe(true);
      expect(pdqQualityNote(h)).toMatch(/^quality 0 < 50: flat or blank image/);
    }
  });

  it('marks hashes under the threshold (default 50) and passes the others', () => {
    const hash = pdqHashImage(syntheticImage('blocks', 300, 200, 3, 11));
    expect(hash.quality).toBeGreaterThanOrEqual(PDQ_DEFAULT_MIN_QUALITY);
    expect([isBelowPdqQuality(hash), pdqQualityNote(hash)]).toEqual([false, undefined]);
    const at = (quality: number): PdqHash => ({ ...hash, quality });
    expect([49, 50].map((q) => isBelowPdqQuality(at(q)))).toEqual([true, false]);
    expect(pdqQualityNote(at(30))).toBe('quality 30 < 50: too little detail for a reliable PDQ hash');
    expect(isBelowPdqQuality(at(79), 80)).toBe(true);
    expect(pdqQualityNote(at(79), 70)).toBeUndefined();
    expect(isBelowPdqQuality({ algo: 'pdq', nbits: 256, bits: hash.bits })).toBe(true);
  });
});

describe('PDQ matching', () => {
  const hash = pdqHashImage(syntheticImage('blocks', 320, 240, 3, 21));

  it('matches at distance <= 31 by default, inclusive, and at a chosen threshold', () => {
    expect(pdqMatch(hash, flipBits(hash, PDQ_DEFAULT_MATCH_THRESHOLD))).toBe(true);
    expect(pdqMatch(hash, flipBits(hash, PDQ_DEFAULT_MATCH_THRESHOLD + 1))).toBe(false);
    expect(pdqMatch(hash, flipBits(hash, 10), 9)).toBe(false);
    expect(() => pdqMatch(hash, { ...hash, algo: 'blockhash' } as unknown as PdqHash)).toThrow(HashError);
  });

  it('dihedral distance is the minimum over the query variants, with the nearest named', () => {
    const variants = pdqDihedralHashes(syntheticImage('blocks', 320, 240, 3, 21));
    const target = flipBits(variants[5]!.hash, 3);
    const distances = variants.map((v) => hamming(v.hash, target));
    expect(pdqDihedralDistance(variants, target)).toBe(Math.min(...distances));
    expect(
      pdqDihedralDistance(
        variants.map((v) => v.hash),
        target,
      ),
    ).toBe(3);
    expect(pdqDihedralNearest(variants, target)).toEqual({ name: 'flipy', distance: 3 });
    expect(() => pdqDihedralDistance([], target)).toThrow(RangeError);
  });
});

/** The eight pixel transforms, keyed by the PDQ variant whose hash they should (nearly) give. */
const PIXEL_TRANSFORMS: Record<string, (x: number, y: number, w: number, h: number) => [number, number]> = {
  // Maps a destination pixel (x, y) to its source pixel; destination size is w × h (swapped for transposing ones).
  orig: (x, y) => [x, y],
  r90: (x, y, w) => [w - 1 - y, x],
  r180: (x, y, w, h) => [w - 1 - x, h - 1 - y],
  r270: (x, y, _w, h) => [y, h - 1 - x],
  flipx: (x, y, _w, h) => [x, h - 1 - y],
  flipy: (x, y, w) => [w - 1 - x, y],
  flipplus1: (x, y) => [y, x],
  flipminus1: (x, y, w, h) => [w - 1 - y, h - 1 - x],
};

function transform(image: Image, name: string): Image {
  const transposes = ['r90', 'r270', 'flipplus1', 'flipminus1'].includes(name);
  const [width, height] = transposes ? [image.height, image.width] : [image.width, image.height];
  const c = image.channels;
  const data = new Uint8Array(image.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = PIXEL_TRANSFORMS[name]!(x, y, image.width, image.height);
      data.set(image.data.subarray((sy * image.width + sx) * c, (sy * image.width + sx) * c + c), (y * width + x) * c);
    }
  }
  return { width, height, channels: c, data };
}

describe('PDQ dihedral variants', () => {
  it('each variant is the hash of the image turned or mirrored as its name says (r90 anticlockwise, flipx top to bottom, flipplus1 transposed)', () => {
    const image = syntheticImage('blocks', 500, 400, 3, 5);
    const variants = pdqDihedralHashes(image);
    for (const name of PDQ_DIHEDRAL_NAMES) {
      const nearest = pdqDihedralNearest(variants, pdqHashImage(transform(image, name)));
      expect(nearest.name, name).toBe(name);
      expect(nearest.distance, name).toBeLessThanOrEqual(PDQ_DEFAULT_MATCH_THRESHOLD);
    }
  });

  it('the registered hasher is PDQ with quality and dihedral variants', async () => {
    const hasher = getHasher('pdq');
    expect([hasher.id, hasher.nbits, hasher.hasQuality, hasher.decode]).toEqual(['pdq', 256, true, {}]);
    const image = syntheticImage('gradient', 90, 70, 3, 8);
    expect(pdqToHex((await hasher.hash(image)) as PdqHash)).toBe(pdqToHex(pdqHashImage(image)));
    const variants = await hasher.dihedral!(image);
    expect(variants.map((v) => v.name)).toEqual([...PDQ_DIHEDRAL_NAMES]);
    expect(pdqToHex(variants[0]!.hash as PdqHash)).toBe(pdqToHex(pdq().hash(image) as PdqHash));
    expect(() => getHasher('pdq:16')).toThrow(HashError);
  });
});
