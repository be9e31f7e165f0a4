import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { betaBinomialLogTail, betaBinomialShape, betaBinomialTail } from '../src/eval/beta-binomial.js';
import { binomialTailAtLeast } from '../src/eval/binomial.js';

interface Row {
  t: number;
  n: number;
  p: number;
  rho: number;
  tail: string;
  logTail: number;
}
const rows = JSON.parse(readFileSync(new URL('./vectors/beta-binomial/tails.json', import.meta.url), 'utf8')) as Row[];

describe('beta-binomial upper tail', () => {
  it('matches arbitrary-precision sums (mpmath, 60 digits), including tails below the smallest double', () => {
    for (const r of rows) {
      const log = betaBinomialLogTail(r.t, r.n, r.p, r.rho);
      expect(Math.abs(log - r.logTail), JSON.stringify(r)).toBeLessThan(1e-9 * Math.max(1, Math.abs(r.logTail)));
    }
  });

  it('reproduces the issue-15 known answers', () => {
    expect(betaBinomialTail(30, 10_000, 1e-6, 1e-4)).toBeCloseTo(6.0968e-13, 16);
    expect(betaBinomialTail(30, 10_000, 1e-6, 1e-3)).toBeCloseTo(1.66091e-5, 9);
    expect(betaBinomialTail(30, 5_773_005, 1e-6, 0)).toBeLessThan(1e-12);
    expect(betaBinomialTail(30, 5_773_006, 1e-6, 0)).toBeGreaterThan(1e-12);
  });

  it('agrees with the binomial at ρ = 0 and approaches it as ρ → 0', () => {
    for (const [t, n, p] of [
      [3, 100, 0.01],
      [30, 10_000, 1e-4],
      [5, 50, 0.2],
    ] as const) {
      const bin = binomialTailAtLeast(t, n, p);
      expect(betaBinomialTail(t, n, p, 0) / bin).toBeCloseTo(1, 9);
      expect(betaBinomialTail(t, n, p, 1e-13) / bin).toBeCloseTo(1, 6);
    }
  });

  it('sums to one, is monotone in t, n and ρ, and has the right edge cases', () => {
    expect(betaBinomialTail(0, 10, 0.3, 0.2)).toBe(1);
    expect(betaBinomialTail(11, 10, 0.3, 0.2)).toBe(0);
    expect(betaBinomialTail(1, 10, 0, 0.2)).toBe(0);
    expect(betaBinomialTail(4, 10, 1, 0.2)).toBe(1);
    expect(betaBinomialTail(4, 10, 0.3, 1)).toBeCloseTo(0.3, 15);
    // P[X ≥ 1] − P[X ≥ 2] = P[X = 1] ≥ 0, and P[X ≥ 1] = 1 − P[X = 0] = 1 − B(α, n + β)/B(α, β).
    const n = 25;
    let previous = 1;
    for (let t = 1; t <= n; t++) {
      const v = betaBinomialTail(t, n, 0.1, 0.05);
      expect(v).toBeLessThanOrEqual(previous);
      previous = v;
    }
    for (const rho of [1e-6, 1e-4, 1e-2]) {
      expect(betaBinomialTail(30, 10_000, 1e-6, rho)).toBeGreaterThan(betaBinomialTail(30, 10_000, 1e-6, rho / 10));
      expect(betaBinomialTail(30, 20_000, 1e-6, rho)).toBeGreaterThan(betaBinomialTail(30, 10_000, 1e-6, rho));
    }
  });

  it('the shape has mean p and pairwise correlation ρ', () => {
    const { alpha, beta } = betaBinomialShape(0.02, 0.01);
    expect(alpha / (alpha + beta)).toBeCloseTo(0.02, 15);
    expect(1 / (alpha + beta + 1)).toBeCloseTo(0.01, 15);
    // Var X for n = 2 is 2p(1−p)(1 + ρ): P[X=1] and P[X=2] from the tail reproduce it.
    const p2 = betaBinomialTail(2, 2, 0.02, 0.01);
    const p1 = betaBinomialTail(1, 2, 0.02, 0.01) - p2;
    const mean = p1 + 2 * p2;
    expect(mean).toBeCloseTo(0.04, 14);
    expect(p1 + 4 * p2 - mean * mean).toBeCloseTo(2 * 0.02 * 0.98 * 1.01, 14);
  });

  it('rejects non-integer counts and out-of-range probabilities', () => {
    expect(() => betaBinomialTail(1.5, 10, 0.1, 0)).toThrow(RangeError);
    expect(() => betaBinomialTail(1, 10, 1.1, 0)).toThrow(RangeError);
    expect(() => betaBinomialTail(1, 10, 0.1, -0.1)).toThrow(RangeError);
  });
});
