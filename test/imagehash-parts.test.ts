// The numeric parts of the imagehash family against their references, value for value: scipy.fftpack.dct,
// pywt's Haar wavedec2/waverec2, PIL's convert("HSV"), numpy.median; and the hashers' registry entries.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dct2dLowFrequencies, DctPlan } from '../src/hash/imagehash/dct.js';
import { haarApproximation, haarRemoveMean } from '../src/hash/imagehash/haar.js';
import { median } from '../src/hash/imagehash/median.js';
import { getHasher } from '../src/hash/registry.js';
import { octantAngle } from '../src/hash/imagehash/twiddle.js';
import { decodeImage } from '../src/image/decode.js';
import { pilHsv } from '../src/image/pil-hsv.js';
import { decodePnm } from '../src/image/pnm.js';
import { repoRoot } from './helpers/images.js';

const vectors = join(repoRoot, 'test', 'vectors', 'imagehash');

interface Numeric {
  readonly dct: { x: number[]; y: number[] }[];
  readonly dct2d: { x: number[]; low8: number[] };
  readonly haar: { x: number[]; meanRemoved: number[]; approx: Record<string, number[]> };
}
const numeric = JSON.parse(readFileSync(join(vectors, 'parts', 'numeric.json'), 'utf8')) as Numeric;

/** Indices where two arrays differ (=== on doubles: exact equality, with -0 equal to 0). */
function mismatches(got: ArrayLike<number>, want: ArrayLike<number>): number[] {
  const bad: number[] = [];
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) bad.push(i);
  return bad;
}

describe('DCT-II (scipy.fftpack.dct, pocketfft port)', () => {
  /** Lengths whose twiddles need a cos/sin value that glibc 2.36 does not round correctly (see src/hash/twiddle.ts). */
  const GLIBC_ROUNDING_LENGTHS = new Set([39, 156]);

  it('equals scipy bit for bit for lengths 1..40 and radix-2/3/5/generic lengths up to 128', () => {
    const lengths = new Set<number>();
    for (const { x, y } of numeric.dct.filter((c) => !GLIBC_ROUNDING_LENGTHS.has(c.x.length))) {
      const c = Float64Array.from(x);
      new DctPlan(x.length).exec(c);
      expect(mismatches(c, y), `length ${x.length}`).toEqual([]);
      lengths.add(x.length);
    }
    for (const n of [1, 7, 28, 32, 44, 52, 64, 100, 128]) expect(lengths.has(n)).toBe(true);
  });

  it('agrees with scipy to 1e-12 where glibc’s own cos/sin is off by an ulp (lengths 39, 156 = phash:39)', () => {
    const cases = numeric.dct.filter((c) => GLIBC_ROUNDING_LENGTHS.has(c.x.length));
    expect(cases.length).toBeGreaterThan(0);
    for (const { x, y } of cases) {
      const c = Float64Array.from(x);
      new DctPlan(x.length).exec(c);
      const scale = Math.max(...y.map(Math.abs));
      for (let i = 0; i < y.length; i++) expect(Math.abs(c[i]! - y[i]!)).toBeLessThan(1e-12 * scale);
    }
  });

  it('gives exact zeros for the AC terms of a constant input of power-of-two length, as scipy does', () => {
    const constant = numeric.dct.filter(
      (c) => c.x.length > 1 && c.x.every((v) => v === c.x[0]) && (c.x.length & (c.x.length - 1)) === 0,
    );
    expect(constant.map((c) => c.x.length)).toEqual([8, 32, 64]);
    for (const { x, y } of constant) {
      expect(y.slice(1).every((v) => v === 0)).toBe(true);
      const c = Float64Array.from(x);
      new DctPlan(x.length).exec(c);
      expect(Array.from(c.subarray(1)).every((v) => v === 0)).toBe(true);
    }
  });

  it('computes the low 8×8 block of the 2-D DCT of a 32×32 array exactly', () => {
    const got = dct2dLowFrequencies(Float64Array.from(numeric.dct2d.x), 32, 8, 8);
    expect(mismatches(got, numeric.dct2d.low8)).toEqual([]);
  });

  it('computes pocketfft’s long-double angle step', () => {
    expect(octantAngle(128)).toBe(0.006135923151542565); // numpy.longdouble(pi) / 4 / 128, rounded to double
    expect(octantAngle(1)).toBe(Math.PI / 4);
  });

  it('refuses lengths for which scipy would switch to Bluestein’s algorithm', () => {
    expect(() => new DctPlan(4 * 239)).toThrow(/Bluestein/);
    expect(() => new DctPlan(4 * 64)).not.toThrow();
  });
});

describe('Haar wavelet (pywt wavedec2/waverec2, "haar")', () => {
  const x = Float64Array.from(numeric.haar.x);

  it('removes the coarsest approximation exactly as waverec2 after coeffs[0] *= 0', () => {
    expect(mismatches(haarRemoveMean(x, 16, 4), numeric.haar.meanRemoved)).toEqual([]);
  });

  it('gives wavedec2’s approximation at levels 1, 2 and 3 exactly', () => {
    let a: Float64Array = Float64Array.from(numeric.haar.meanRemoved);
    let size = 16;
    for (const level of ['1', '2', '3']) {
      a = haarApproximation(a, size);
      size >>= 1;
      expect(mismatches(a, numeric.haar.approx[level]!), `level ${level}`).toEqual([]);
    }
  });
});

describe('PIL convert("HSV")', () => {
  for (const name of ['noise-64x64', 'hues-256x36', 'palette-trns-33x20']) {
    it(`equals PIL byte for byte on ${name}`, async () => {
      const img = await decodeImage(join(vectors, 'images', `${name}.png`));
      const want = decodePnm(readFileSync(join(vectors, 'parts', `${name}.hsv.ppm`)), 1e8);
      const got = pilHsv(img);
      expect([got.width, got.height, got.channels]).toEqual([want.width, want.height, 3]);
      expect(mismatches(got.data, want.data)).toEqual([]);
    });
  }
});

describe('median (numpy.median)', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median(Float64Array.from([0.1, 0.2]))).toBe((0.1 + 0.2) / 2);
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('imagehash hashers in the registry', () => {
  it('builds each algorithm with its imagehash defaults and sizes', () => {
    const expected: [string, string, number][] = [
      ['ahash', 'ahash', 64],
      ['ahash:16', 'ahash:16', 256],
      ['dhash', 'dhash', 64],
      ['dhash:5', 'dhash:5', 25],
      ['phash', 'phash', 64],
      ['phash:12', 'phash:12', 144],
      ['whash', 'whash', 64],
      ['whash:4', 'whash:4', 16],
      ['colorhash', 'colorhash', 42],
      ['colorhash:4', 'colorhash:4', 56],
      ['ahash:8', 'ahash', 64],
    ];
    for (const [spec, id, nbits] of expected) {
      const h = getHasher(spec);
      expect([h.id, h.nbits, h.hasQuality]).toEqual([id, nbits, false]);
    }
  });

  it('rejects sizes imagehash rejects', () => {
    expect(() => getHasher('whash:12')).toThrow(/power of two/);
    expect(() => getHasher('ahash:1')).toThrow(/at least 2/);
    expect(() => getHasher('phash:x')).toThrow(/positive integer/);
    expect(() => getHasher('phash:239')).toThrow(/Bluestein/);
  });
});
