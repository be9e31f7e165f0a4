import { describe, expect, it } from 'vitest';
import { createPrng, deriveSeed, xoshiro128ss } from '../src/util/prng.js';

describe('xoshiro128**', () => {
  it('matches the reference C code of Blackman & Vigna (prng.di.unimi.it/xoshiro128starstar.c) from state {1, 2, 3, 4}', () => {
    // Produced by compiling the published reference next() with s = {1, 2, 3, 4} and printing its first eight outputs.
    const expected = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849];
    const rng = xoshiro128ss([1, 2, 3, 4]);
    expect(expected.map(() => rng.nextUint32())).toEqual(expected);
  });

  it('refuses the all-zero state', () => {
    expect(() => xoshiro128ss([0, 0, 0, 0])).toThrow(RangeError);
  });
});

describe('seeded streams', () => {
  const draw = (seed: number, n: number): number[] => {
    const rng = createPrng(seed);
    return Array.from({ length: n }, () => rng.nextUint32());
  };

  it('repeats for the same seed and differs for other seeds, including seeds beyond 32 bits', () => {
    expect(draw(42, 16)).toEqual(draw(42, 16));
    expect(draw(42, 16)).not.toEqual(draw(43, 16));
    expect(draw(2 ** 40 + 5, 16)).not.toEqual(draw(5, 16));
    expect(draw(-1, 16)).not.toEqual(draw(2 ** 32 - 1, 16));
  });

  it('derives distinct seeds from distinct labels, order included, and the same seed from the same labels', () => {
    const seeds = [
      deriveSeed(7),
      deriveSeed(7, 0),
      deriveSeed(7, 1),
      deriveSeed(7, 'a'),
      deriveSeed(7, 'b'),
      deriveSeed(7, 'a', 'b'),
      deriveSeed(7, 'b', 'a'),
      deriveSeed(7, 'ab'),
      deriveSeed(8, 'a'),
      deriveSeed(7, '0'),
    ];
    expect(new Set(seeds).size).toBe(seeds.length);
    expect(deriveSeed(7, 'img-001', 3)).toBe(deriveSeed(7, 'img-001', 3));
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => createPrng(1.5)).toThrow(RangeError);
    expect(() => deriveSeed(1, Number.NaN)).toThrow(RangeError);
  });

  it('draws bounded integers uniformly (chi-square over 10 bins, 100 000 draws)', () => {
    const rng = createPrng(1);
    const counts = new Array<number>(10).fill(0);
    const n = 100_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const k = rng.nextInt(10);
      if (!Number.isInteger(k) || k < 0 || k >= 10) outside++;
      else counts[k]!++;
    }
    expect(outside).toBe(0);
    const chi2 = counts.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.88); // the 0.999 quantile of chi-square with 9 degrees of freedom
    expect(rng.nextInt(1)).toBe(0);
  });

  it('draws open-unit uniforms strictly inside (0, 1)', () => {
    const rng = createPrng(2);
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = rng.nextOpenUnit();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
    }
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeLessThan(1);
    expect(lo).toBeLessThan(1e-3);
    expect(hi).toBeGreaterThan(1 - 1e-3);
  });

  it('draws standard normals: mean 0, variance 1, 95% within ±1.96, symmetric tails', () => {
    const n = 200_000;
    const values = new Float64Array(n);
    createPrng(3).fillNormals(values);
    let sum = 0;
    let sq = 0;
    let inside = 0;
    let above = 0;
    for (const v of values) {
      sum += v;
      sq += v * v;
      if (Math.abs(v) < 1.959964) inside++;
      if (v > 1.959964) above++;
    }
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(0.01); // standard error 0.0022
    expect(Math.abs(sq / n - mean * mean - 1)).toBeLessThan(0.015); // standard error 0.0032
    expect(Math.abs(inside / n - 0.95)).toBeLessThan(0.003); // standard error 0.00049
    expect(Math.abs(above / n - 0.025)).toBeLessThan(0.002); // standard error 0.00035
  });

  it('fills normals with exactly the values single draws give, whatever the length and pairing', () => {
    for (const [skip, length] of [
      [0, 8],
      [1, 7],
      [0, 1],
      [3, 10],
    ] as const) {
      const one = createPrng(9);
      const many = createPrng(9);
      for (let i = 0; i < skip; i++) {
        one.nextNormal();
        many.nextNormal();
      }
      const filled = new Float64Array(length);
      many.fillNormals(filled);
      const single = Array.from({ length }, () => one.nextNormal());
      expect(Array.from(filled)).toEqual(single);
      expect(many.nextNormal()).toBe(one.nextNormal());
    }
  });
});
