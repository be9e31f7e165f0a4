// The reach of an evasion (src/attack/evasion-reach.ts) against the real hashers: the least change the model finds,
// made into pixels, moves scanlab's exact hash past τ at the energy it claims, no image past τ beats the bound, and
// the summary counts what the figures rule out.
import { describe, expect, it } from 'vitest';
import { evasionReach, leastCoefficientChanges, leastEvasionChange } from '../src/attack/evasion-reach.js';
import { gram, solveSpd } from '../src/attack/least-change.js';
import {
  coefficients,
  coefficientsOfImage,
  linearModelFor,
  lumaPlane,
  thresholds,
  type LinearHashModel,
} from '../src/attack/linear-model.js';
import { createPrng } from '../src/util/prng.js';
import { toRgb, type RgbImage } from '../src/attack/pixels.js';
import { psnr } from '../src/attack/quality.js';
import { summariseAttack, summariseReach } from '../src/attack/summary.js';
import { reachTable } from '../src/cli/attack.js';
import type { AlgoOutcome } from '../src/attack/unit.js';
import { hamming } from '../src/hash/hamming.js';
import { getHasher } from '../src/hash/registry.js';
import { decodeImage } from '../src/image/decode.js';
import { join } from 'node:path';
import { psnrFromMse } from '../src/image/similarity.js';
import { repoRoot } from './helpers/images.js';

const sample = async (name: string): Promise<RgbImage> =>
  toRgb(await decodeImage(join(repoRoot, 'datasets', 'sample', 'images', name)));

/** G⁻¹·B for the SPD m × m matrix G and an m × n matrix B (column by column). */
function solveColumns(g: Float64Array, b: Float64Array, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const z = solveSpd(
      g,
      Float64Array.from({ length: m }, (_, i) => b[i * n + j]!),
    );
    z.forEach((v, i) => (out[i * n + j] = v));
  }
  return out;
}

/** ΔY = Ryᵀ·Gy⁻¹·ΔC·Gx⁻¹·Rx: the least luma change whose coefficients change by ΔC (height × width). */
function lumaChange(model: LinearHashModel, dc: Float64Array): Float64Array {
  const { m, n, height, width, ry, rx } = model;
  const left = solveColumns(gram(ry, m, height), dc, m, n);
  const transposed = Float64Array.from({ length: n * m }, (_, k) => left[(k % m) * n + Math.floor(k / m)]!);
  const z = solveColumns(gram(rx, n, width), transposed, n, m);
  const out = new Float64Array(height * width);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) v += ry[i * height + y]! * z[j * m + i]! * rx[j * width + x]!;
      out[y * width + x] = v;
    }
  return out;
}

/** The source plus a change of the model's plane, spread over RGB in proportion to its channel weights (the least RGB energy), rounded and clipped. */
function withPlane(source: RgbImage, dy: Float64Array, w: readonly number[]): RgbImage {
  const norm2 = w.reduce((a, v) => a + v * v, 0);
  const clamped = Uint8ClampedArray.from(source.data, (v, i) => v + (dy[Math.floor(i / 3)]! * w[i % 3]!) / norm2);
  return { ...source, data: new Uint8Array(clamped.buffer) };
}

describe('evasion reach', () => {
  it.each([
    ['ahash', 10, 'skimage-coffee.jpg'],
    ['dhash', 10, 'skimage-coffee.jpg'],
    ['pdq', 31, 'skimage-chelsea.jpg'],
    ['blockhash', 25, 'skimage-chelsea.jpg'],
  ])(
    '%s: the least change in the model, as pixels, moves the real hash past τ = %i at its energy; the bound holds',
    async (algo, tau, name) => {
      const source = await sample(name);
      const model = linearModelFor(algo, source.width, source.height)!;
      const c = coefficientsOfImage(model, source);
      // A margin of 3 absorbs the rounding of the pixels and of the hash's pipeline, one spare bit a source bit that
      // the model puts on the other side of its threshold (coffee's aHash bit 62: 103.91 in the model, 104 in Pillow).
      // blockhash's coefficients are block sums of R + G + B: its margin is 4 levels per pixel of a block.
      const margin = algo === 'blockhash' ? (4 * source.width * source.height) / 256 : 3;
      const { change, energy } = leastEvasionChange(model, c, tau + 2, margin);
      const dy = lumaChange(model, change);
      expect(dy.reduce((a, v) => a + v * v, 0) / energy).toBeCloseTo(1, 6);
      const adversarial = withPlane(source, dy, model.channels);
      const norm2 = model.channels.reduce((a, v) => a + v * v, 0);
      const hasher = getHasher(algo);
      const distance = hamming(await hasher.hash(adversarial), await hasher.hash(source));
      expect(distance).toBeGreaterThan(tau);
      const reach = evasionReach(algo, source, tau, 0);
      // The image is past τ: its PSNR cannot beat the bound; it is what its energy says (rounding and clipping aside).
      const measured = psnr(source, adversarial);
      expect(reach.boundPsnr === undefined).toBe(algo === 'blockhash');
      if (reach.boundPsnr !== undefined) expect(measured).toBeLessThanOrEqual(reach.boundPsnr);
      expect(Math.abs(measured - psnrFromMse(energy / (norm2 * source.data.length)))).toBeLessThan(0.5);
      // With a margin of 0.5 and τ + 1 bits, the reported least change costs less than this one.
      expect(reach.leastChangePsnr!).toBeGreaterThan(measured);
      expect(reach.leastChangePsnr!).toBeLessThanOrEqual(reach.boundPsnr ?? Infinity);
    },
  );

  it('adds the upload error to the least change, bounds nothing for pHash and has no model for wHash or colorhash', async () => {
    const source = await sample('skimage-coffee.jpg');
    const plain = evasionReach('phash', source, 10, 0);
    expect(plain.boundPsnr).toBeUndefined();
    expect(plain.uploadPsnr).toBe(Infinity);
    const mse = 10 ** (-plain.leastChangePsnr! / 10) * 255 * 255;
    const uploaded = evasionReach('phash', source, 10, mse);
    expect(uploaded.leastChangePsnr).toBeCloseTo(plain.leastChangePsnr! - 10 * Math.log10(2), 6);
    expect(uploaded.uploadPsnr).toBeCloseTo(plain.leastChangePsnr!, 9);
    // blockhash's flat blocks tie at their band's median, so its flips need not balance: a least change, no bound.
    expect(evasionReach('blockhash', source, 25, 4).boundPsnr).toBeUndefined();
    expect(evasionReach('blockhash', source, 25, 4).leastChangePsnr).toBeGreaterThan(0);
    expect(evasionReach('whash', source, 10, 4)).toEqual({ uploadPsnr: psnrFromMse(4) });
    expect(evasionReach('colorhash', source, 10, 4)).toEqual({ uploadPsnr: psnrFromMse(4) });
  });

  it('reads the coefficients of an RGB image row by row exactly as from its full luma plane', async () => {
    const source = await sample('skimage-chelsea.jpg');
    for (const algo of ['pdq', 'phash', 'ahash', 'dhash']) {
      const model = linearModelFor(algo, source.width, source.height)!;
      expect(coefficientsOfImage(model, source)).toEqual(coefficients(model, lumaPlane(source)));
    }
  });

  it.each([
    ['pdq', 31],
    ['ahash', 10],
    ['dhash', 10],
  ])('%s: no coefficient change costs less than the bound for the flips the real rule makes of it', (algo) => {
    // Random coefficients and changes built to flip chosen bits about a chosen new threshold; the rule decides the
    // flips that really happen (a median moves), and each change must cost at least the bound for that many.
    const prng = createPrng(7);
    const model = linearModelFor(algo, 64, 64)!;
    const size = model.m * model.n;
    const bitsOf = (v: Float64Array): boolean[] => {
      const t = thresholds(model, v);
      return Array.from(v, (x, k) => x > t[k]!);
    };
    for (let trial = 0; trial < 12; trial++) {
      const c = Float64Array.from({ length: size }, () => 100 * prng.nextNormal());
      const before = bitsOf(c);
      const bounds = leastCoefficientChanges(model, c, size, 0);
      for (let sample = 0; sample < 60; sample++) {
        const t0 = thresholds(model, c);
        const shift = (sample % 2 ? 30 : 2) * prng.nextNormal();
        // Odd samples move a random share of the coefficients; even ones the `count` nearest the threshold on each
        // side, the cheapest change for that many flips, which a bound too high would beat.
        const share = prng.nextOpenUnit() * 0.3;
        const count = 1 + prng.nextInt(24);
        const order = Array.from(c, (v, k) => k).sort(
          (i, j) => Math.abs(c[i]! - t0[i]! - shift) - Math.abs(c[j]! - t0[j]! - shift),
        );
        const near = new Set([
          ...order.filter((k) => c[k]! > t0[k]!).slice(0, count),
          ...order.filter((k) => !(c[k]! > t0[k]!)).slice(0, count),
        ]);
        const moved = c.map((v, k) => {
          const t = t0[k]! + shift;
          if (sample % 2 ? prng.nextOpenUnit() >= share : !near.has(k)) return v;
          return v > t0[k]! ? Math.min(v, t - 0.01) : Math.max(v, t + 0.01);
        });
        const after = bitsOf(moved);
        const flips = before.filter((b, k) => b !== after[k]).length;
        if (flips === 0) continue;
        const bound = bounds[flips]!;
        const cost = moved.reduce((a, v, k) => a + (v - c[k]!) ** 2, 0);
        expect(cost).toBeGreaterThanOrEqual(bound * (1 - 1e-9));
      }
    }
  });

  it('omits the least change where the model cannot move each coefficient alone (images smaller than its grid)', () => {
    for (const [width, height] of [
      [1, 1],
      [3, 2],
      [64, 5],
      [2, 300],
      [9, 9],
    ] as const) {
      const data = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 7919) % 256);
      for (const [algo, tau] of [
        ['ahash', 10],
        ['dhash', 10],
        ['phash', 10],
        ['pdq', 31],
      ] as const) {
        const r = evasionReach(algo, { width, height, channels: 3, data }, tau, 1);
        const small = width < 9 || height < 9 || algo === 'pdq';
        expect(r.leastChangePsnr === undefined).toBe(small);
        for (const v of [r.boundPsnr, r.leastChangePsnr]) if (v !== undefined) expect(v).toBeGreaterThan(0);
        if (r.leastChangePsnr !== undefined) expect(r.leastChangePsnr).toBeLessThanOrEqual(r.uploadPsnr);
      }
    }
  });

  it('a larger τ needs more change: bound and least change fall as τ grows', async () => {
    const source = await sample('skimage-astronaut.jpg');
    const figures = [4, 10, 20].map((tau) => evasionReach('ahash', source, tau, 0));
    for (let i = 1; i < figures.length; i++) {
      expect(figures[i]!.boundPsnr!).toBeLessThan(figures[i - 1]!.boundPsnr!);
      expect(figures[i]!.leastChangePsnr!).toBeLessThan(figures[i - 1]!.leastChangePsnr!);
    }
  });

  it('summaries count the images each figure rules out and the success among the rest', () => {
    const fail = (
      boundPsnr: number | undefined,
      leastChangePsnr: number | undefined,
      uploadPsnr = 40,
    ): AlgoOutcome => ({
      status: 'failure',
      reason: 'budget',
      queries: 10,
      seconds: 1,
      bestDistance: 3,
      reach: {
        uploadPsnr,
        ...(boundPsnr === undefined ? {} : { boundPsnr }),
        ...(leastChangePsnr === undefined ? {} : { leastChangePsnr }),
      },
    });
    const win = (boundPsnr: number, leastChangePsnr: number): AlgoOutcome => ({
      status: 'success',
      queries: 5,
      seconds: 1,
      distance: 12,
      psnr: 30.2,
      ssim: 0.9,
      linf: 20,
      file: 'x.jpg',
      hash: '00',
      dihedralDistance: 12,
      others: {},
      reach: { uploadPsnr: 45, boundPsnr, leastChangePsnr },
    });
    const outcomes = [
      fail(28, 26),
      fail(undefined, 29),
      fail(33, 31),
      fail(undefined, undefined, 29.8),
      fail(undefined, undefined, 35),
      win(35, 32),
      win(31, 29.5),
      { status: 'error', error: 'x' } as const,
    ];
    const r = summariseReach(outcomes, 30)!;
    expect(r.n).toBe(7);
    expect(r.reencodeBelow).toBe(1);
    expect(r.outOfReach).toBe(1);
    // Without a model the re-encode alone decides: 29.8 dB is beyond, 35 dB within.
    expect(r.beyondLeastChange).toBe(4);
    expect([r.withinBound.successes, r.withinBound.n]).toEqual([2, 6]);
    expect([r.withinLeastChange.successes, r.withinLeastChange.n]).toEqual([1, 3]);
    expect(r.withinLeastChange.ci[0]).toBeGreaterThan(0);
    const bare: AlgoOutcome = { status: 'failure', reason: 'budget', queries: 1, seconds: 1, bestDistance: 0 };
    expect(summariseReach([bare], 30)).toBeUndefined();
  });

  it('prints one column per figure in the CLI table', () => {
    const reach = { uploadPsnr: 40, boundPsnr: 28, leastChangePsnr: 26 };
    const fail: AlgoOutcome = { status: 'failure', reason: 'budget', queries: 9, seconds: 1, bestDistance: 0, reach };
    const summary = summariseAttack(
      'evade',
      [{ id: 'a', algos: { ahash: fail } }],
      [{ id: 'ahash', nbits: 64 }],
      { ahash: 10 },
      10,
      30,
    );
    const [header, rule, row] = reachTable(summary).trimEnd().split('\n');
    const columns = (line: string): string[] => line.trim().split(/ {2,}/);
    expect(columns(header!)).toEqual([
      'algo',
      'n',
      're-encode below',
      'out of reach',
      'beyond least change',
      'success within bound',
      'within least change',
    ]);
    expect(rule).toMatch(/^-+( +-+){6}$/);
    expect(columns(row!).slice(0, 5)).toEqual(['ahash', '1', '0', '1', '1']);
    expect(columns(row!)).toHaveLength(7);
  });
});
