import { describe, it, expect, beforeAll } from 'vitest';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import { loadRistretto255Sodium } from '../src/psi/group/sodium.js';
import { runParties } from '../src/psi/protocols/driver.js';
import { DEFAULT_TPSI_PARAMS } from '../src/psi/protocols/tpsi-ad/params.js';
import { tpsiPartiesOutcome } from '../src/psi/protocols/tpsi-ad/outcome.js';
import { createTpsiParties } from '../src/psi/protocols/tpsi-ad/session.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import {
  OpenedCountLikelihood,
  maximumLikelihoodEstimate,
  momentEstimate,
  posteriorMeanEstimate,
} from '../src/leakage/match-count-estimators.js';
import { binomial, hypergeometric, seededUniform } from '../src/leakage/samplers.js';
import { openedVouchers, realShares, sampleAccount } from '../src/leakage/synthetic-vouchers.js';
import { aucOfSamples, runVoucherStudy } from '../src/leakage/voucher-study.js';
import { runCli } from './helpers/cli.js';

const rand = createPrng(4242);
const input = (): Uint8Array => randomBytesFrom(rand, 38);

let sodium: PrimeOrderGroup;
beforeAll(async () => {
  sodium = await loadRistretto255Sodium();
});

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: readonly number[]): number => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

describe('samplers', () => {
  it('draw binomial and hypergeometric counts with the right mean and variance', () => {
    const u = seededUniform(7);
    for (const [n, p] of [
      [1000, 0.02],
      [50, 0.7],
      [10, 0.5],
    ] as const) {
      const xs = Array.from({ length: 20000 }, () => binomial(u, n, p));
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(mean(xs) - n * p)).toBeLessThan((5 * sd) / Math.sqrt(20000));
      expect(variance(xs) / (sd * sd)).toBeGreaterThan(0.95);
      expect(variance(xs) / (sd * sd)).toBeLessThan(1.05);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...xs)).toBeLessThanOrEqual(n);
    }
    const hs = Array.from({ length: 20000 }, () => hypergeometric(u, 100, 30, 20));
    const hv = (20 * 0.3 * 0.7 * 80) / 99;
    expect(Math.abs(mean(hs) - 6)).toBeLessThan((5 * Math.sqrt(hv)) / Math.sqrt(20000));
    expect(variance(hs) / hv).toBeGreaterThan(0.95);
    expect(variance(hs) / hv).toBeLessThan(1.05);
  });
});

describe('the opened-voucher model against the real protocol', () => {
  /** `accounts` accounts of `photos` photos with `matches` true matches each, through the real protocol. */
  function realRun(accounts: number, photos: number, matches: number, s: number, capacity: number) {
    const database = Array.from({ length: accounts * matches + 4 }, input);
    const queries: Uint8Array[] = [];
    const isMatch: boolean[] = [];
    for (let r = 0; r < photos; r++) {
      for (let a = 0; a < accounts; a++) {
        isMatch.push(r < matches);
        queries.push(r < matches ? database[r * accounts + a]! : input());
      }
    }
    const p = { ...DEFAULT_TPSI_PARAMS, threshold: 40, syntheticRate: s, dhfCapacity: capacity };
    const parties = createTpsiParties(sodium, database, queries, p, accounts);
    runParties(parties.client, parties.server, queries.length);
    return { parties, isMatch, report: tpsiPartiesOutcome(parties, p, accounts, isMatch) };
  }

  it('opens exactly the vouchers the model names, and as many as the simulation predicts', () => {
    const [accounts, photos, matches, s] = [20, 30, 6, 0.3];
    const { parties, isMatch, report } = realRun(accounts, photos, matches, s, 64);
    const synthetic = parties.client.synthetic();
    const serverOpened = parties.server.transcript.events.flatMap((e) =>
      e.kind === 'computed' && e.what === 'voucher' ? [(e.value as { opened: boolean }).opened] : [],
    );
    expect(serverOpened).toEqual(openedVouchers(isMatch, synthetic));
    for (const row of report.rows) {
      const mine = parties.photos.flatMap((ph, i) => (ph.account === row.account ? [i] : []));
      expect(row.realMatches).toBe(
        realShares(
          mine.map((i) => isMatch[i]!),
          mine.map((i) => synthetic[i]!),
        ),
      );
    }
    const realTotal = report.rows.reduce((acc, r) => acc + r.opened, 0);
    const u = seededUniform(11);
    const simulated = Array.from(
      { length: 20000 },
      () => sampleAccount(u, { photos, syntheticRate: s, capacity: Infinity }, matches).opened,
    );
    const expected = matches + (photos - matches) * s;
    expect(Math.abs(mean(simulated) - expected)).toBeLessThan(0.05);
    expect(variance(simulated) / ((photos - matches) * s * (1 - s))).toBeCloseTo(1, 1);
    expect(Math.abs(realTotal - accounts * mean(simulated))).toBeLessThan(
      5 * Math.sqrt(accounts * variance(simulated)),
    );
  });

  it('caps synthetic vouchers at the DHF capacity as the simulation does', () => {
    const { report } = realRun(4, 30, 5, 0.6, 3);
    expect(report.rows.map((r) => r.synthetic)).toEqual([3, 3, 3, 3]);
    const u = seededUniform(12);
    const samples = Array.from({ length: 2000 }, () =>
      sampleAccount(u, { photos: 30, syntheticRate: 0.6, capacity: 3 }, 5),
    );
    expect(samples.every((x) => x.synthetic === 3 && x.capped)).toBe(true);
    expect(samples.every((x) => x.opened === x.matches + x.synthetic - x.syntheticMatches)).toBe(true);
  });
});

describe('match-count estimators', () => {
  it('the likelihood is a distribution over opened counts, with and without a binding cap', () => {
    for (const capacity of [Infinity, 4]) {
      const l = new OpenedCountLikelihood({ photos: 25, syntheticRate: 0.3, capacity });
      for (const k of [0, 3, 10]) {
        let total = 0;
        for (let o = 0; o <= 25; o++) total += Math.exp(l.logLikelihood(o, k));
        expect(total).toBeCloseTo(1, 10);
      }
    }
    const u = seededUniform(5);
    const capped = new OpenedCountLikelihood({ photos: 25, syntheticRate: 0.3, capacity: 4 });
    const sampled = Array.from({ length: 40000 }, () => Math.min(binomial(u, 25, 0.3), 4));
    expect(capped.expectedSynthetic).toBeCloseTo(mean(sampled), 1);
  });

  it('maximum likelihood is the moment estimate rounded up and clamped, and the moment estimate is unbiased', () => {
    const l = new OpenedCountLikelihood({ photos: 400, syntheticRate: 0.05, capacity: Infinity });
    for (let o = 0; o <= 80; o++) {
      const m = momentEstimate(l, o);
      expect(maximumLikelihoodEstimate(l, o)).toBe(Math.min(o, Math.max(0, Math.ceil(m - 1e-9))));
    }
    const u = seededUniform(6);
    for (const k of [0, 7, 25]) {
      const estimates = Array.from({ length: 20000 }, () => momentEstimate(l, sampleAccount(u, l.model, k).opened));
      expect(Math.abs(mean(estimates) - k)).toBeLessThan((5 * Math.sqrt(variance(estimates))) / Math.sqrt(20000));
    }
  });

  it('without synthetic vouchers the count is the match count; the posterior stays within the prior', () => {
    const l = new OpenedCountLikelihood({ photos: 100, syntheticRate: 0, capacity: Infinity });
    const prior = new Array<number>(30).fill(1);
    for (const k of [0, 5, 29]) expect(posteriorMeanEstimate(l, k, prior)).toBeCloseTo(k, 9);
    const noisy = new OpenedCountLikelihood({ photos: 5000, syntheticRate: 0.05, capacity: Infinity });
    // Oracle: Bayes' rule summed directly over k from the model's likelihood (shifted by its largest term).
    const estimates = [150, 250, 400].map((o) => {
      const logs = prior.map((p, k) => Math.log(p) + noisy.logLikelihood(o, k));
      const top = Math.max(...logs);
      const weights = logs.map((v) => Math.exp(v - top));
      const direct = weights.reduce((s, w, k) => s + k * w, 0) / weights.reduce((s, w) => s + w, 0);
      const e = posteriorMeanEstimate(noisy, o, prior);
      expect(e).toBeCloseTo(direct, 9);
      return e;
    });
    // More opened vouchers never lower the estimate.
    expect([...estimates].sort((x, y) => x - y)).toEqual(estimates);
  });

  it('AUC is the Mann–Whitney probability', () => {
    expect(aucOfSamples([3, 3], [1, 2])).toBe(1);
    expect(aucOfSamples([1, 2], [3, 3])).toBe(0);
    expect(aucOfSamples([2, 2], [2, 2])).toBe(0.5);
    expect(aucOfSamples([1, 3], [2])).toBe(0.5);
  });
});

describe('the synthetic-voucher leakage study', () => {
  it('more photos hide more; a binding DHF capacity gives the count away', () => {
    const base = { syntheticRate: 0.02, threshold: 30, accounts: 3000, seed: 3, capacity: Infinity };
    const small = runVoucherStudy({ ...base, photos: 100 });
    const large = runVoucherStudy({ ...base, photos: 10000 });
    const capped = runVoucherStudy({ ...base, photos: 10000, capacity: 64 });
    expect(small.aucNoneVersusMax).toBeGreaterThan(0.99);
    expect(large.aucNoneVersusMax).toBeLessThan(small.aucNoneVersusMax);
    expect(large.posteriorMean.rmse).toBeGreaterThan(3 * small.posteriorMean.rmse);
    expect(large.posteriorMean.rmse).toBeLessThan(large.blindRmse);
    for (const r of [small, large]) {
      expect(r.posteriorMean.rmse).toBeLessThanOrEqual(r.moment.rmse);
      expect(Math.abs(r.moment.bias)).toBeLessThan((5 * r.moment.rmse) / Math.sqrt(3000));
    }
    expect(capped.cappedFraction).toBe(1);
    expect(capped.posteriorMean.rmse).toBeLessThan(1);
    expect(capped.byMatches.map((b) => b.matches)).toEqual(Array.from({ length: 30 }, (_, k) => k));
  });

  it('scanlab leakage vouchers prints the table or JSON rows for every combination', () => {
    const r = runCli([
      'leakage',
      'vouchers',
      '--synthetic-rate',
      '0.02,0.05',
      '--account-threshold',
      '10',
      '--photos',
      '50,500',
      '--accounts',
      '300',
      '--capacity',
      'none,16',
      '--json',
    ]);
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as {
      config: { syntheticRate: number; photos: number; capacity: number | string };
      posteriorMean: { rmse: number };
    }[];
    expect(rows).toHaveLength(8);
    expect(rows.map((x) => [x.config.syntheticRate, x.config.photos, x.config.capacity])).toContainEqual([
      0.05,
      500,
      'none',
    ]);
    const text = runCli([
      'leakage',
      'vouchers',
      '--synthetic-rate',
      '0.02',
      '--account-threshold',
      '30',
      '--photos',
      '1000',
      '--accounts',
      '200',
    ]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/RMSE posterior/);
    expect(text.stdout.split('\n')[3]).toMatch(/^0\.02\s+30\s+1000\s+64\s+20\.0/);
    const bad = runCli([
      'leakage',
      'vouchers',
      '--synthetic-rate',
      '1.5',
      '--account-threshold',
      '30',
      '--photos',
      '10',
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('scanlab: --synthetic-rate takes rates in [0, 1), not "1.5"');
  }, 60_000);
});
