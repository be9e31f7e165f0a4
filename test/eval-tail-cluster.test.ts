import { describe, expect, it } from 'vitest';
import { aucInterval } from '../src/eval/auc-interval.js';
import { betaBinomialTail } from '../src/eval/beta-binomial.js';
import { binomialTailAtLeast } from '../src/eval/binomial.js';
import { clusteredFprCurve } from '../src/eval/cluster.js';
import { imageHistograms } from '../src/eval/image-histograms.js';
import { groupHashes, allPairsHistogram } from '../src/eval/pair-distances.js';
import { fitTailModels, formatLog10, fprBand, validateTailModels } from '../src/eval/tail-models.js';
import type { Hash } from '../src/hash/types.js';
import { createPrng } from '../src/util/prng.js';

function randomHashes(n: number, nbits: number, seed: number, bias = 0.5): Hash[] {
  const rng = createPrng(seed);
  return Array.from({ length: n }, () => {
    const bits = new Uint8Array(nbits / 8);
    for (let b = 0; b < nbits; b++) if (rng.nextInt(1000) < bias * 1000) bits[b >> 3]! |= 0x80 >> (b & 7);
    return { algo: 'test', nbits, bits } as Hash;
  });
}

function hammingOf(a: Hash, b: Hash): number {
  let d = 0;
  for (let i = 0; i < a.bits.length; i++) {
    let x = a.bits[i]! ^ b.bits[i]!;
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}

describe('cluster-jackknife FPR intervals', () => {
  const hashes = randomHashes(40, 64, 7);
  // Make image 0 a near-copy of a "hub" that is close to many others: pairs sharing it are dependent.
  const groups = hashes.map((_, i) => i);
  const g = groupHashes(hashes, groups);

  it('per-image histograms add up to twice the all-pairs histogram', () => {
    const ih = imageHistograms(g);
    const sum = new Array<number>(65).fill(0);
    for (const img of ih.images) img.counts.forEach((c, k) => (sum[img.offset + k]! += c));
    expect(sum).toEqual(allPairsHistogram(g).map((c) => 2 * c));
  });

  it('matches a brute-force delete-one-image jackknife over the raw pair list', () => {
    const curve = clusteredFprCurve(imageHistograms(g));
    const pairs: [number, number, number][] = [];
    for (let i = 0; i < hashes.length; i++)
      for (let j = i + 1; j < hashes.length; j++) pairs.push([i, j, hammingOf(hashes[i]!, hashes[j]!)]);
    for (const tau of [24, 26, 28]) {
      const est = (skip: number): number => {
        const kept = pairs.filter(([i, j]) => i !== skip && j !== skip);
        return kept.filter(([, , d]) => d <= tau).length / kept.length;
      };
      const G = hashes.length;
      const loo = Array.from({ length: G }, (_, c) => est(c));
      const m = loo.reduce((s, v) => s + v, 0) / G;
      const variance = ((G - 1) / G) * loo.reduce((s, v) => s + (v - m) ** 2, 0);
      const p = est(-1);
      const c = curve[tau]!;
      expect(c.estimate).toBeCloseTo(p, 15);
      expect(c.designEffect).toBeCloseTo(Math.max(1, variance / ((p * (1 - p)) / pairs.length)), 9);
      expect(c.effectiveN * c.designEffect).toBeCloseTo(pairs.length, 6);
      expect(c.lower).toBeLessThanOrEqual(p);
      expect(c.upper).toBeGreaterThanOrEqual(p);
    }
  });

  it('the AUC interval matches a brute-force jackknife over images plus the related-pair variance', () => {
    const relatedCounts = new Array<number>(65).fill(0);
    [3, 5, 8, 8, 12, 20, 25, 27, 30, 31].forEach((d) => relatedCounts[d]!++);
    const related = { nbits: 64, counts: relatedCounts };
    const rel = relatedCounts.flatMap((c, d) => new Array<number>(c).fill(d));
    const pairs: [number, number, number][] = [];
    for (let i = 0; i < hashes.length; i++)
      for (let j = i + 1; j < hashes.length; j++) pairs.push([i, j, hammingOf(hashes[i]!, hashes[j]!)]);
    const psi = (r: number, u: number): number => (r < u ? 1 : r === u ? 0.5 : 0);
    const aucOf = (us: readonly number[]): number =>
      rel.reduce((s, r) => s + us.reduce((t, u) => t + psi(r, u), 0), 0) / (rel.length * us.length);
    const all = pairs.map(([, , d]) => d);
    const G = hashes.length;
    const loo = Array.from({ length: G }, (_, c) =>
      aucOf(pairs.filter(([i, j]) => i !== c && j !== c).map(([, , d]) => d)),
    );
    const m = loo.reduce((s, v) => s + v, 0) / G;
    const varU = ((G - 1) / G) * loo.reduce((s, v) => s + (v - m) ** 2, 0);
    const a = aucOf(all);
    const place = rel.map((r) => all.reduce((t, u) => t + psi(r, u), 0) / all.length);
    const varR = place.reduce((s, v) => s + (v - a) ** 2, 0) / (rel.length - 1) / rel.length;
    const got = aucInterval(related, { nbits: 64, counts: allPairsHistogram(g) }, imageHistograms(g))!;
    expect(got.estimate).toBeCloseTo(a, 12);
    expect(got.standardError).toBeCloseTo(Math.sqrt(varU + varR), 10);
    expect(got.lower).toBeLessThan(a);
    expect(got.upper).toBeGreaterThan(a);
  });

  it('a hub image close to everyone inflates the design effect well above 1', () => {
    const hub = randomHashes(30, 64, 3);
    // Every image is the hub's hash with 12 of its 64 bits flipped at random: pairs are hub-mediated.
    const rng = createPrng(5);
    const base = hub[0]!;
    const imgs = hub.map((h, i) => {
      if (i % 3 !== 0) return h;
      const bits = Uint8Array.from(base.bits);
      for (let k = 0; k < 12; k++) {
        const b = rng.nextInt(64);
        bits[b >> 3]! ^= 0x80 >> (b & 7);
      }
      return { ...h, bits };
    });
    const curve = clusteredFprCurve(
      imageHistograms(
        groupHashes(
          imgs,
          imgs.map((_, i) => i),
        ),
      ),
    );
    expect(curve[22]!.k).toBeGreaterThan(10);
    expect(curve[22]!.designEffect).toBeGreaterThan(3);
    expect(curve[22]!.upper - curve[22]!.lower).toBeGreaterThan(0);
  });
});

/** Expected counts of N draws from P[d] (rounded), as a histogram. */
function histogramFrom(
  nbits: number,
  N: number,
  pmf: (d: number) => number,
  round = true,
): { nbits: number; counts: number[] } {
  return { nbits, counts: Array.from({ length: nbits + 1 }, (_, d) => (round ? Math.round(N * pmf(d)) : N * pmf(d))) };
}

describe('tail models', () => {
  it('the DoF binomial recovers an exact binomial and predicts its held-out tail', () => {
    const nbits = 64;
    const pmf = (d: number): number => binomialTailAtLeast(d, nbits, 0.5) - binomialTailAtLeast(d + 1, nbits, 0.5);
    // Expected (unrounded) counts: the held-out thresholds then carry no sampling noise, only the truncation's bias.
    const h = histogramFrom(nbits, 1e9, pmf, false);
    const dof = fitTailModels(h).find((m) => m.id === 'dof-binomial')!;
    expect(dof.params['p']).toBeCloseTo(0.5, 6);
    expect(dof.params['dof']).toBeCloseTo(64, 2);
    const v = validateTailModels(h).models.find((m) => m.model === 'dof-binomial')!;
    expect(v.points.length).toBeGreaterThan(3);
    expect(v.maxAbsLog10Error).toBeLessThan(0.05);
  });

  it('the beta-binomial model recovers the correlation of a beta-binomial histogram', () => {
    const nbits = 256;
    const pmf = (d: number): number =>
      betaBinomialTail(d, nbits, 0.45, 0.02) - betaBinomialTail(d + 1, nbits, 0.45, 0.02);
    const h = histogramFrom(nbits, 1e12, pmf);
    const bb = fitTailModels(h).find((m) => m.id === 'beta-binomial')!;
    expect(bb.params['rho']).toBeCloseTo(0.02, 4);
    expect(bb.logFpr(60) / Math.log(10)).toBeCloseTo(Math.log10(1 - betaBinomialTail(61, nbits, 0.45, 0.02)), 3);
  });

  it('the lower-tail power law recovers an exact power-law tail', () => {
    const nbits = 256;
    const cdf = (t: number): number => Math.min(1, 1e-9 * (t + 1) ** 4);
    const h = histogramFrom(nbits, 1e10, (d) => cdf(d) - (d > 0 ? cdf(d - 1) : 0));
    const pw = fitTailModels(h).find((m) => m.id === 'lower-tail-power')!;
    expect(pw.params['exponent']).toBeCloseTo(4, 1);
  });

  it('far tails stay finite in log space and never print as 0', () => {
    const nbits = 256;
    const pmf = (d: number): number => binomialTailAtLeast(d, nbits, 0.5) - binomialTailAtLeast(d + 1, nbits, 0.5);
    const h = histogramFrom(nbits, 1e9, pmf);
    const dof = fitTailModels(h).find((m) => m.id === 'dof-binomial')!;
    const l = dof.logFpr(2) / Math.log(10);
    expect(l).toBeLessThan(-70);
    expect(Number.isFinite(dof.logFpr(0))).toBe(true);
    expect(formatLog10(-412.3)).toBe('10^-412 (< 1e-300)');
    expect(formatLog10(-3.5)).toBe('3.2e-4');
    const band = fprBand(fitTailModels(h), validateTailModels(h), 10)!;
    expect(band.log10Lower).toBeLessThanOrEqual(band.log10Upper);
    expect(Number.isFinite(band.log10Lower)).toBe(true);
  });

  it('says why it cannot validate when nothing lies below the resolved range', () => {
    const v = validateTailModels({ nbits: 8, counts: [0, 0, 50, 50, 0, 0, 0, 0, 0] });
    expect(v.models).toEqual([]);
    expect(v.reason).toMatch(/no pairs below threshold 2/);
  });
});
