import { describe, expect, it } from 'vitest';
import { betaBinomialLogTail } from '../src/eval/beta-binomial.js';
import { clopperPearson } from '../src/eval/binomial.js';
import { countQuantile, formatCountDistribution, parseCountDistribution } from '../src/simulate/count-distribution.js';
import { SimulationUsageError } from '../src/simulate/errors.js';
import { DEFAULT_SERVER_COST, simulatePopulation, type PopulationConfig } from '../src/simulate/population.js';
import { betaDraw, binomialDraw } from '../src/simulate/samplers.js';
import { createPrng } from '../src/util/prng.js';

const base: PopulationConfig = {
  accounts: 20_000,
  photosPerYear: parseCountDistribution('fixed:1000'),
  photoFpr: 0.005,
  photoFprSource: 'test',
  tpr: 0.9,
  knownShare: 0,
  knownPerAccount: parseCountDistribution('fixed:10'),
  correlation: 0,
  burst: 1,
  accountThreshold: 10,
  syntheticRate: 0,
  dihedral: false,
  seed: 1,
  serverCost: DEFAULT_SERVER_COST,
};

/** The analytic rate lies in the simulated rate's 99% Clopper–Pearson interval. */
function agrees(c: PopulationConfig): void {
  const r = simulatePopulation(c);
  const ci = clopperPearson(r.simulated.accountsFlagged, r.simulated.innocentAccounts, 0.99);
  expect(r.simulated.accountsFlagged).toBeGreaterThan(50);
  expect(r.analytic.falseFlagRate).toBeGreaterThanOrEqual(ci.lower);
  expect(r.analytic.falseFlagRate).toBeLessThanOrEqual(ci.upper);
}

describe('population simulation against the analytic rate', () => {
  it('ρ = 0, fixed photo count: agrees over five seeds', () => {
    for (const seed of [1, 2, 3, 4, 5]) agrees({ ...base, seed });
  });

  it('ρ = 0 with lognormal and Pareto photo counts (analytic by quadrature, bracketed)', () => {
    for (const spec of ['lognormal:median=1000,sigma=1.2', 'pareto:min=300,alpha=1.5']) {
      const c = { ...base, photosPerYear: parseCountDistribution(spec), accountThreshold: 12 };
      agrees(c);
      const r = simulatePopulation(c);
      expect(r.analytic.bracket[0]).toBeLessThanOrEqual(r.analytic.falseFlagRate);
      expect(r.analytic.bracket[1]).toBeGreaterThanOrEqual(r.analytic.falseFlagRate);
    }
  });

  it('correlated photos (beta-binomial), bursts, dihedral checks and synthetic vouchers', () => {
    agrees({ ...base, correlation: 0.05, seed: 7 });
    agrees({ ...base, burst: 3, accountThreshold: 12, photoFpr: 0.001, seed: 8 });
    agrees({ ...base, dihedral: true, photoFpr: 0.0006, seed: 9 });
    agrees({ ...base, syntheticRate: 0.2, seed: 10 });
  });

  it('an analytic rate below the smallest double is still given, as its log10', () => {
    const tiny = { ...base, accounts: 1000, photoFpr: 1e-14, accountThreshold: 30 };
    const fixed = simulatePopulation(tiny);
    expect(fixed.analytic.falseFlagRate).toBe(0);
    expect(fixed.analytic.log10FalseFlagRate).toBeCloseTo(betaBinomialLogTail(30, 1000, 1e-14, 0) / Math.LN10, 6);
    expect(fixed.analytic.log10FalseFlagRate).toBeLessThan(-300);
    const spread = simulatePopulation({
      ...tiny,
      photosPerYear: parseCountDistribution('lognormal:median=1000,sigma=1'),
    });
    expect(spread.analytic.log10FalseFlagRate).toBeGreaterThan(fixed.analytic.log10FalseFlagRate);
    expect(Number.isFinite(spread.analytic.log10FalseFlagRate)).toBe(true);
  });

  it('correlation raises the false-flag rate at the same mean', () => {
    const independent = simulatePopulation({ ...base, photoFpr: 0.001 });
    const correlated = simulatePopulation({ ...base, photoFpr: 0.001, correlation: 0.05 });
    expect(correlated.analytic.falseFlagRate).toBeGreaterThan(100 * independent.analytic.falseFlagRate);
    expect(correlated.simulated.accountsFlagged).toBeGreaterThan(independent.simulated.accountsFlagged);
  });

  it('the same seed gives the same numbers; another seed other draws', () => {
    const c = { ...base, knownShare: 0.05, photosPerYear: parseCountDistribution('lognormal:median=800,sigma=1') };
    const strip = (r: ReturnType<typeof simulatePopulation>): unknown => ({
      ...r,
      simulated: { ...r.simulated, seconds: 0 },
    });
    expect(strip(simulatePopulation(c))).toEqual(strip(simulatePopulation(c)));
    expect(simulatePopulation({ ...c, seed: 2 }).simulated.accountsFlagged).not.toBe(
      simulatePopulation(c).simulated.accountsFlagged,
    );
  });

  it('holders of known images are detected once their detected images reach t', () => {
    const r = simulatePopulation({
      ...base,
      photoFpr: 0,
      knownShare: 0.5,
      knownPerAccount: parseCountDistribution('fixed:40'),
      tpr: 1,
      accountThreshold: 30,
    });
    expect(r.simulated.accountsFlagged).toBe(0);
    expect(r.detection.holders).toBe(10_000);
    expect(r.detection.detected).toBe(10_000);
    expect(r.reviewerLoad.knownImagePhotosPerYear).toBe(400_000);
    expect(r.analytic.falseFlagRate).toBe(0);
  });
});

describe('samplers', () => {
  it('binomial draws have the binomial mean and variance on both paths (inversion and splitting)', () => {
    for (const [n, p] of [
      [40, 0.1],
      [100_000, 0.003],
      [5000, 0.7],
    ] as const) {
      const prng = createPrng(11);
      const draws = Array.from({ length: 20_000 }, () => binomialDraw(prng, n, p));
      const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
      const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (draws.length - 1);
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(mean - n * p)).toBeLessThan((5 * sd) / Math.sqrt(draws.length));
      expect(variance / (sd * sd)).toBeGreaterThan(0.94);
      expect(variance / (sd * sd)).toBeLessThan(1.06);
      expect(draws.every((x) => Number.isInteger(x) && x >= 0 && x <= n)).toBe(true);
    }
  });

  it('beta draws have the beta mean, also for tiny shapes', () => {
    const prng = createPrng(3);
    for (const [a, b] of [
      [2, 5],
      [0.01, 20],
    ] as const) {
      const draws = Array.from({ length: 40_000 }, () => betaDraw(prng, a, b));
      const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
      const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
      expect(Math.abs(mean - a / (a + b))).toBeLessThan((5 * sd) / Math.sqrt(draws.length));
    }
  });
});

describe('count distributions', () => {
  it('parse, print and place their median', () => {
    const d = parseCountDistribution('lognormal:median=1000,sigma=1.2');
    expect(formatCountDistribution(d)).toBe('lognormal:median=1000,sigma=1.2');
    expect(countQuantile(d, 0.5)).toBe(1000);
    expect(countQuantile(parseCountDistribution('pareto:min=100,alpha=1.5'), 0)).toBe(100);
    expect(countQuantile(parseCountDistribution('fixed:5000'), 0.9)).toBe(5000);
    for (const bad of ['fixed:-1', 'gamma:k=2', 'lognormal:median=0,sigma=1', 'pareto:min=1'])
      expect(() => parseCountDistribution(bad)).toThrow(SimulationUsageError);
  });
});
