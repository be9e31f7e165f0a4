import { describe, expect, it } from 'vitest';
import { standardise } from '../src/leakage/invert-analytic.js';
import { pairedRank1 } from '../src/leakage/reidentify.js';
import { THUMB_SIDE, type Picture } from '../src/leakage/thumbnail.js';
import { dct2d, idct2d, lumaSpectrum, whitenPicture, WHITENING_FLOOR } from '../src/leakage/whitening.js';
import { createPrng } from '../src/util/prng.js';

const n = THUMB_SIDE;
/** The separable cosine (u along rows, v along columns) with amplitude `a`, as a luma picture. */
const cosine = (u: number, v: number, a = 1): Float64Array =>
  Float64Array.from(
    { length: n * n },
    (_, i) =>
      a *
      Math.cos((Math.PI * u * (2 * Math.floor(i / n) + 1)) / (2 * n)) *
      Math.cos((Math.PI * v * (2 * (i % n) + 1)) / (2 * n)),
  );
const luma = (data: Float64Array): Picture => ({ side: n, channels: 1, data });

describe('the orthonormal DCT of thumbnails', () => {
  it('maps a cosine of frequency (u, v) to one coefficient of n/2 (orthonormal scaling: Σcos² = n/2 per axis)', () => {
    const c = dct2d(cosine(3, 5));
    expect(c[3 * n + 5]).toBeCloseTo(n / 2, 10);
    c[3 * n + 5] = 0;
    expect(Math.max(...c.map(Math.abs))).toBeLessThan(1e-10);
  });

  it('inverts exactly and keeps the energy (Parseval)', () => {
    const prng = createPrng(4);
    const x = Float64Array.from({ length: n * n }, () => prng.nextNormal());
    const c = dct2d(x);
    const back = idct2d(c);
    x.forEach((v, i) => expect(back[i]).toBeCloseTo(v, 10));
    const energy = (a: Float64Array): number => a.reduce((s, v) => s + v * v, 0);
    expect(energy(c)).toBeCloseTo(energy(x), 8);
  });
});

describe('spectral whitening', () => {
  it('learns each coefficient’s variance from unit-norm training spectra', () => {
    const s = lumaSpectrum([luma(cosine(1, 0, 7)), luma(cosine(0, 2, 0.5)), luma(cosine(1, 0, -3))]);
    expect(s.images).toBe(3);
    expect(s.variance[1 * n + 0]).toBeCloseTo(2 / 3, 10);
    expect(s.variance[0 * n + 2]).toBeCloseTo(1 / 3, 10);
    expect(s.variance.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 10);
  });

  it('with a flat spectrum only removes the mean and standardises', () => {
    const prng = createPrng(2);
    const p = luma(Float64Array.from({ length: n * n }, () => 100 + 20 * prng.nextNormal()));
    const flat = { side: n, variance: new Float64Array(n * n).fill(0.01), images: 1 };
    const w = whitenPicture(p, flat).data;
    standardise(p.data).forEach((v, i) => expect(w[i]).toBeCloseTo(v, 8));
  });

  it('divides each frequency by its typical amplitude, so a frequency rare in photos counts as much as a common one', () => {
    const variance = new Float64Array(n * n);
    variance[1 * n + 1] = 0.36;
    variance[4 * n + 3] = 0.01;
    const w = dct2d(
      whitenPicture(luma(cosine(1, 1).map((v, i) => v + cosine(4, 3)[i]!)), { side: n, variance, images: 1 }).data,
    );
    const ratio = (w[4 * n + 3] ?? 0) / (w[1 * n + 1] ?? 1);
    expect(ratio).toBeCloseTo(Math.sqrt((0.36 + WHITENING_FLOOR) / (0.01 + WHITENING_FLOOR)), 8);
  });
});

describe('paired comparison of two inverses on the same targets', () => {
  it('counts the targets only one of them ranks first, with the exact McNemar p-value', () => {
    expect(pairedRank1([1, 1, 2, 1, 3], [1, 2, 1, 3, 3])).toEqual({ better: 2, worse: 1, pValue: 1 });
    const ten = pairedRank1(new Array<number>(10).fill(1), new Array<number>(10).fill(4));
    expect(ten).toMatchObject({ better: 10, worse: 0 });
    expect(ten.pValue).toBeCloseTo(2 / 1024, 12);
    expect(pairedRank1([2, 2], [3, 3])).toEqual({ better: 0, worse: 0, pValue: 1 });
  });
});
