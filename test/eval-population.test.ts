import { describe, expect, it } from 'vitest';
import { accountFlagReport } from '../src/eval/account-flags.js';
import {
  maxHashThreshold,
  maxPhotosPerYear,
  minAccountThreshold,
  perAccountFalseFlag,
  perAccountLog10FalseFlag,
  perPhotoFalseMatch,
} from '../src/eval/population.js';
import { populationReport } from '../src/eval/population-report.js';
import { runCli } from './helpers/cli.js';

// Known answers from issue 15, checked independently with mpmath (test/vectors/beta-binomial/tails.json).
describe('per-account false flags with stated rates', () => {
  it('reproduces the one-in-a-trillion arithmetic: p = 1e-6, t = 30 crosses 1e-12 at n = 5,773,006', () => {
    expect(maxPhotosPerYear(1e-6, 30, 1e-12)).toBe(5_773_005);
    const r = accountFlagReport({
      photoFpr: 1e-6,
      photosPerYear: 10_000,
      accountThreshold: 30,
      correlation: 0,
      dihedral: false,
      target: 1e-12,
    });
    expect(r.reverse?.maxPhotosPerYear).toBe(5_773_005);
    expect(r.reverse?.firstExceedingPhotosPerYear).toBe(5_773_006);
    expect(r.accountFlagProbability).toBeCloseTo(3.5747e-93, 96);
  });

  it('intra-account correlation: ρ = 1e-4 → 6.1e-13, ρ = 1e-3 → 1.66e-5 at n = 10^4', () => {
    expect(perAccountFalseFlag(1e-6, 10_000, 30, 1e-4)).toBeCloseTo(6.0968e-13, 16);
    const r = accountFlagReport({
      photoFpr: 1e-6,
      photosPerYear: 10_000,
      accountThreshold: 30,
      correlation: 1e-3,
      dihedral: false,
    });
    expect(r.accountFlagProbability).toBeCloseTo(1.66091e-5, 9);
    expect(r.log10AccountFlagProbability).toBeCloseTo(Math.log10(1.660906892139011e-5), 8);
    // Correlation shrinks the volume that stays under the target by orders of magnitude.
    const m = maxPhotosPerYear(1e-6, 30, 1e-12, 1e-4)!;
    expect(perAccountFalseFlag(1e-6, m, 30, 1e-4)).toBeLessThanOrEqual(1e-12);
    expect(perAccountFalseFlag(1e-6, m + 1, 30, 1e-4)).toBeGreaterThan(1e-12);
    expect(m).toBeLessThan(20_000);
  });

  it('dihedral matching multiplies the comparisons by eight', () => {
    const r = accountFlagReport({
      photoFpr: 1e-6,
      photosPerYear: 100,
      accountThreshold: 1,
      correlation: 0,
      dihedral: true,
    });
    expect(r.perPhoto / (8e-6 - 28e-12 + 56e-18)).toBeCloseTo(1, 12);
    expect(perPhotoFalseMatch(1e-9, 1e6, 8)).toBeCloseTo(perPhotoFalseMatch(1e-9, 8e6), 15);
  });

  it('log-space tails stay finite where the probability underflows', () => {
    expect(perAccountFalseFlag(1e-12, 100, 60)).toBe(0);
    expect(perAccountLog10FalseFlag(1e-12, 100, 60)).toBeLessThan(-600);
    expect(Number.isFinite(perAccountLog10FalseFlag(1e-12, 100, 60))).toBe(true);
  });

  it('the reverse solves agree with the forward map', () => {
    const t = minAccountThreshold(1e-4, 10_000, 1e-9, 1e-3)!;
    expect(perAccountFalseFlag(1e-4, 10_000, t, 1e-3)).toBeLessThanOrEqual(1e-9);
    expect(perAccountFalseFlag(1e-4, 10_000, t - 1, 1e-3)).toBeGreaterThan(1e-9);
    const fprAt = (tau: number): number => 1e-20 * 10 ** (tau / 4);
    const tau = maxHashThreshold(fprAt, 64, 1e6, 1e4, 3, 1e-12, 1e-7, 8);
    if (tau === null) throw new Error('expected a threshold');
    const at = (x: number): number => perAccountFalseFlag(perPhotoFalseMatch(fprAt(x), 1e6, 8), 1e4, 3, 1e-7);
    expect(at(tau)).toBeLessThanOrEqual(1e-12);
    expect(at(tau + 1)).toBeGreaterThan(1e-12);
  });

  it('rejects rates outside [0, 1]', () => {
    expect(() =>
      accountFlagReport({ photoFpr: 2, photosPerYear: 10, accountThreshold: 1, correlation: 0, dihedral: false }),
    ).toThrow(/probability/);
  });
});

describe('population report from a histogram', () => {
  it('carries a band across tail models and never a bare zero', () => {
    // A binomial-like histogram of 64-bit distances with 10^4 pairs: nothing below 18 bits.
    const counts = Array.from({ length: 65 }, (_, d) =>
      Math.round((1e4 * Math.exp(-((d - 32) ** 2) / 32)) / Math.sqrt(32 * Math.PI)),
    );
    const r = populationReport('x', { nbits: 64, counts }, null, {
      threshold: 8,
      dbSize: 1e6,
      photosPerYear: 1e4,
      accountThreshold: 30,
      correlation: 1e-4,
      target: 1e-12,
    });
    expect(r.fpr.k).toBe(0);
    expect(r.intervalBasis).toBe('independent-pairs');
    expect(r.extrapolation).not.toBeNull();
    const [lo, hi] = r.extrapolation!.log10PerAccount;
    expect(lo).toBeLessThanOrEqual(hi);
    expect(Number.isFinite(lo)).toBe(true);
    expect(r.reverse?.maxPhotosPerYear).toBeGreaterThanOrEqual(29);
  });
});

describe('scanlab stats population with a stated rate', () => {
  it('--photo-fpr --target --json gives accountFlagProbability and maxPhotosPerYear; bad input is one usage line', () => {
    const r = runCli([
      'stats',
      'population',
      '--photo-fpr',
      '1e-6',
      '--photos-per-year',
      '10000',
      '--account-threshold',
      '30',
      '--correlation',
      '1e-3',
      '--target',
      '1e-12',
      '--json',
    ]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { accountFlagProbability: number; maxPhotosPerYear: number };
    expect(out.accountFlagProbability).toBeCloseTo(1.66091e-5, 9);
    expect(out.maxPhotosPerYear).toBe(maxPhotosPerYear(1e-6, 30, 1e-12, 1e-3));
    const bad = runCli([
      'stats',
      'population',
      '--photo-fpr',
      '2',
      '--photos-per-year',
      '10',
      '--account-threshold',
      '1',
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
