import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  auc,
  betaInc,
  binomialCdf,
  binomialTailAtLeast,
  clopperPearson,
  equalErrorRate,
  fitDof,
  fittedFpr,
  formatProportion,
  histogramOf,
  logGamma,
  maxHashThreshold,
  minAccountThreshold,
  normalQuantile,
  operatingPoints,
  perAccountFalseFlag,
  perPhotoFalseMatch,
  populationEstimate,
  tprAtFpr,
  wilson,
  type DistanceHistogram,
} from '../src/eval/stats.js';
import { repoRoot } from './helpers/images.js';

interface Ref {
  betainc: { a: number; b: number; x: number; value: number }[];
  clopper_pearson: { k: number; n: number; lower: number; upper: number }[];
  wilson: { k: number; n: number; lower: number; upper: number }[];
  binom_sf: { t: number; n: number; p: number; value: number }[];
  binom_cdf: { k: number; n: number; p: number; value: number }[];
  lgamma: { x: number; value: number }[];
  norm_ppf: { p: number; value: number }[];
}
const ref = JSON.parse(readFileSync(join(repoRoot, 'test', 'vectors', 'stats', 'scipy-reference.json'), 'utf8')) as Ref;

const close = (actual: number, expected: number, rel: number): void => {
  if (expected === 0) expect(Math.abs(actual)).toBeLessThan(1e-14);
  else expect(Math.abs(actual - expected) / Math.abs(expected), `${actual} vs ${expected}`).toBeLessThan(rel);
};

describe('special functions and intervals against SciPy', () => {
  it('log-gamma, normal quantile and the regularised incomplete beta', () => {
    for (const r of ref.lgamma) close(logGamma(r.x), r.value, 1e-12);
    for (const r of ref.norm_ppf) close(normalQuantile(r.p), r.value, 1e-8);
    for (const r of ref.betainc) close(betaInc(r.x, r.a, r.b), r.value, 1e-8);
  });

  it('Clopper–Pearson and Wilson bounds', () => {
    for (const r of ref.clopper_pearson) {
      const p = clopperPearson(r.k, r.n);
      close(p.lower, r.lower, 1e-7);
      close(p.upper, r.upper, 1e-7);
    }
    for (const r of ref.wilson) {
      const p = wilson(r.k, r.n);
      close(p.lower, r.lower, 1e-8);
      close(p.upper, r.upper, 1e-8);
    }
  });

  it('binomial tails, including probabilities far below 1e-12', () => {
    for (const r of ref.binom_sf) close(binomialTailAtLeast(r.t, r.n, r.p), r.value, 1e-9);
    for (const r of ref.binom_cdf) close(binomialCdf(r.k, r.n, r.p), r.value, 1e-9);
  });

  it('formats zero events with the rule of three', () => {
    expect(formatProportion(clopperPearson(0, 2_000_000))).toBe('0/2000000 (< 3/n = 1.5e-6)');
    expect(() => wilson(5, 4)).toThrow(RangeError);
  });
});

describe('ROC analysis', () => {
  const related = histogramOf(8, [0, 1, 1, 2, 3, 5]);
  const unrelated = histogramOf(8, [2, 4, 4, 5, 6, 7, 8, 8]);

  it('computes TPR and FPR at every threshold', () => {
    const pts = operatingPoints(related, unrelated);
    expect(pts).toHaveLength(9);
    expect(pts[2]!.tpr.k).toBe(4);
    expect(pts[2]!.fpr.k).toBe(1);
    expect(pts[8]!.fpr.estimate).toBe(1);
  });

  it('AUC equals the Mann–Whitney probability computed pair by pair', () => {
    const r = [0, 1, 1, 2, 3, 5];
    const u = [2, 4, 4, 5, 6, 7, 8, 8];
    let s = 0;
    for (const a of r) for (const b of u) s += a < b ? 1 : a === b ? 0.5 : 0;
    expect(auc(related, unrelated)).toBeCloseTo(s / (r.length * u.length), 15);
  });

  it('finds the equal-error rate where FPR meets FNR', () => {
    const sep = equalErrorRate(histogramOf(4, [0, 0, 1]), histogramOf(4, [3, 4, 4]));
    expect(sep.rate).toBe(0);
    const eer = equalErrorRate(related, unrelated);
    expect(eer.rate).toBeGreaterThan(0);
    expect(eer.rate).toBeLessThan(0.34);
  });

  it('reports TPR at FPR targets only where the sample supports them', () => {
    const pts = operatingPoints(related, unrelated);
    expect(tprAtFpr(pts, 1e-2).supported).toBe(false);
    const big: DistanceHistogram = { nbits: 8, counts: [0, 0, 0, 1, 10, 100, 1000, 2000, 889] };
    const r = tprAtFpr(operatingPoints(related, big), 1e-3);
    expect(r.supported).toBe(true);
    expect(r.threshold).toBe(3);
    expect(r.tpr!.k).toBe(5);
  });
});

describe('effective degrees of freedom', () => {
  it('recovers N from an exactly binomial histogram', () => {
    const n = 64;
    const counts = Array.from({ length: n + 1 }, (_, k) =>
      Math.round(1e9 * Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1)) * 0.5 ** n),
    );
    const fit = fitDof({ nbits: n, counts });
    expect(fit.p).toBeCloseTo(0.5, 6);
    expect(fit.dof).toBeGreaterThan(63.9);
    expect(fit.dof).toBeLessThan(64.1);
    expect(fit.ks).toBeLessThan(1e-3);
    expect(fittedFpr(fit, n, 20)).toBeCloseTo(binomialCdf(20, 64, 0.5), 6);
  });

  it('finds fewer effective bits when bits are correlated (pairs of duplicated bits)', () => {
    // 32 independent fair bits, each counted twice: distances are even, N should be about 32.
    const counts = new Array(65).fill(0);
    for (let k = 0; k <= 32; k++)
      counts[2 * k] = Math.round(1e9 * Math.exp(logGamma(33) - logGamma(k + 1) - logGamma(33 - k)) * 0.5 ** 32);
    const fit = fitDof({ nbits: 64, counts });
    expect(fit.dof).toBeGreaterThan(31.8);
    expect(fit.dof).toBeLessThan(32.2);
  });
});

describe('population scale', () => {
  it('per-photo and per-account probabilities', () => {
    expect(perPhotoFalseMatch(1e-12, 5e6)).toBeCloseTo(5e-6, 10);
    expect(perPhotoFalseMatch(1, 10)).toBe(1);
    close(perAccountFalseFlag(1e-3, 5000, 30), ref.binom_sf.find((r) => r.t === 30 && r.p === 1e-3)!.value, 1e-9);
  });

  it('carries the FPR interval through monotonically', () => {
    const est = populationEstimate(clopperPearson(3, 1_000_000), 1e3, 500, 3);
    expect(est.perPhoto.lower).toBeLessThan(est.perPhoto.estimate);
    expect(est.perPhoto.estimate).toBeLessThan(est.perPhoto.upper);
    expect(est.perAccount.lower).toBeLessThan(est.perAccount.upper);
  });

  it('solves for the account threshold and the hash threshold that meet a target', () => {
    const p = 1e-4;
    const t = minAccountThreshold(p, 5000, 1e-12)!;
    expect(perAccountFalseFlag(p, 5000, t)).toBeLessThanOrEqual(1e-12);
    expect(perAccountFalseFlag(p, 5000, t - 1)).toBeGreaterThan(1e-12);
    const fprAt = (tau: number): number => 1e-15 * 10 ** tau;
    const tau = maxHashThreshold(fprAt, 20, 1e6, 5000, 30, 1e-12)!;
    expect(perAccountFalseFlag(perPhotoFalseMatch(fprAt(tau), 1e6), 5000, 30)).toBeLessThanOrEqual(1e-12);
    expect(perAccountFalseFlag(perPhotoFalseMatch(fprAt(tau + 1), 1e6), 5000, 30)).toBeGreaterThan(1e-12);
  });
});
