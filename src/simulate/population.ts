// A Monte Carlo of N accounts over a year, sampled per account (one or two draws each, never per photo): photo
// counts from a distribution, false matches binomial or beta-binomial (intra-account correlation ρ), a burst model in
// which every false-matching photo is sent b times, holders of k known images detected per image with the matcher's
// TPR; against the account threshold t. Beside it the analytic false-flag rate (beta-binomial tail averaged over the
// photo-count distribution, bracketed), detection by k, the reviewer's load and the server's cost at that volume.
import { performance } from 'node:perf_hooks';
import { betaBinomialLogTail, betaBinomialShape, betaBinomialTail } from '../eval/beta-binomial.js';
import { clopperPearson, type Proportion } from '../eval/binomial.js';
import { createPrng, deriveSeed, type Prng } from '../util/prng.js';
import { countQuantile, formatCountDistribution, sampleCount, type CountDistribution } from './count-distribution.js';
import { SimulationUsageError } from './errors.js';
import { betaDraw, binomialDraw } from './samplers.js';

/** What a false-matching photo costs the server and the wire, per photo scanned. */
export interface ServerCostModel {
  /** Matcher CPU milliseconds per voucher (protocol message). */
  readonly matcherMsPerVoucher: number;
  /** Bytes a photo adds on the wire over plain end-to-end encryption. */
  readonly addedBytesPerPhoto: number;
  /** Where the two numbers come from (a pipeline run, or the defaults). */
  readonly source: string;
}

export interface PopulationConfig {
  readonly accounts: number;
  readonly photosPerYear: CountDistribution;
  /** Per-photo probability of a false match against the whole database (one comparison set). */
  readonly photoFpr: number;
  /** Where photoFpr comes from, for the record. */
  readonly photoFprSource: string;
  /** Per known image, probability that the matcher detects it. */
  readonly tpr: number;
  readonly knownShare: number;
  readonly knownPerAccount: CountDistribution;
  /** Intra-account correlation of false matches (0 = independent photos). */
  readonly correlation: number;
  /** Every false-matching photo is sent this many times (1 = no bursts). */
  readonly burst: number;
  readonly accountThreshold: number;
  /** tpsi-ad: probability that a voucher is synthetic; a synthetic voucher never counts towards t. */
  readonly syntheticRate: number;
  /** Each photo is checked in its eight rotations/flips (false-match chance 1 − (1 − p)^8, variants independent). */
  readonly dihedral: boolean;
  readonly seed: number;
  readonly serverCost: ServerCostModel;
}

export const DEFAULT_SERVER_COST: ServerCostModel = {
  matcherMsPerVoucher: 1,
  addedBytesPerPhoto: 1600,
  source: 'defaults (about tpsi-ad on libsodium with a 1 KiB ad; measure yours with scanlab pipeline run)',
};

export interface DetectionBin {
  readonly known: string;
  readonly accounts: number;
  readonly detected: number;
  readonly rate: Proportion | null;
}

export interface PopulationResult {
  readonly config: Omit<PopulationConfig, 'photosPerYear' | 'knownPerAccount'> & {
    readonly photosPerYear: string;
    readonly knownPerAccount: string;
  };
  readonly analytic: {
    /** E over the photo-count distribution of P[matches ≥ t] for an account holding no known image. */
    readonly falseFlagRate: number;
    /** Lower and upper Riemann sums over the count quantiles (the tail probability grows with the count). */
    readonly bracket: readonly [number, number];
    readonly falseFlagsPerMillion: number;
    /** log10 of falseFlagRate, finite where the rate itself underflows to 0 (−Infinity only for a rate of exactly 0). */
    readonly log10FalseFlagRate: number;
    /** Per-photo false-match probability after dihedral checks and synthetic replacement. */
    readonly effectivePhotoFpr: number;
    /** False-matching photos needed: ⌈t / burst⌉. */
    readonly effectiveThreshold: number;
    readonly model: string;
  };
  readonly simulated: {
    readonly falseFlagRate: number;
    readonly ci: readonly [number, number];
    readonly accountsFlagged: number;
    readonly innocentAccounts: number;
    readonly falseFlagsPerMillion: { readonly estimate: number; readonly ci: readonly [number, number] };
    readonly seconds: number;
  };
  readonly detection: {
    readonly holders: number;
    readonly detected: number;
    readonly rate: Proportion | null;
    readonly byKnown: readonly DetectionBin[];
  };
  readonly reviewerLoad: {
    /** Photos (messages) revealed to reviewers in the simulated year. */
    readonly photosPerYear: number;
    readonly falseMatchPhotosPerYear: number;
    readonly knownImagePhotosPerYear: number;
    readonly innocentAccountsFlagged: number;
    readonly photosPerYearPerMillionAccounts: number;
  };
  readonly serverCost: {
    readonly photosPerDay: number;
    readonly vouchersPerDay: number;
    readonly cpuSecondsPerDay: number;
    /** Cores kept busy around the clock by the matcher. */
    readonly cores: number;
    readonly bytesPerDay: number;
    readonly model: ServerCostModel;
  };
}

function check(c: PopulationConfig): void {
  const bad = (m: string): never => {
    throw new SimulationUsageError(m);
  };
  if (!Number.isInteger(c.accounts) || c.accounts < 1) bad(`accounts must be a positive integer, got ${c.accounts}`);
  if (!(c.photoFpr >= 0 && c.photoFpr <= 1)) bad(`photo FPR must lie in [0, 1], got ${c.photoFpr}`);
  if (!(c.tpr >= 0 && c.tpr <= 1)) bad(`TPR must lie in [0, 1], got ${c.tpr}`);
  if (!(c.knownShare >= 0 && c.knownShare <= 1)) bad(`known share must lie in [0, 1], got ${c.knownShare}`);
  if (!(c.correlation >= 0 && c.correlation < 1)) bad(`correlation must lie in [0, 1), got ${c.correlation}`);
  if (!Number.isInteger(c.burst) || c.burst < 1) bad(`burst must be a positive integer, got ${c.burst}`);
  if (!Number.isInteger(c.accountThreshold) || c.accountThreshold < 1)
    bad(`account threshold must be a positive integer, got ${c.accountThreshold}`);
  if (!(c.syntheticRate >= 0 && c.syntheticRate < 1)) bad(`synthetic rate must lie in [0, 1), got ${c.syntheticRate}`);
}

/** Per-photo false-match probability after dihedral variants and synthetic replacement (a real voucher counts). */
export function effectivePhotoFpr(c: Pick<PopulationConfig, 'photoFpr' | 'dihedral' | 'syntheticRate'>): number {
  const perPhoto = c.dihedral ? -Math.expm1(8 * Math.log1p(-Math.min(c.photoFpr, 1 - 1e-16))) : c.photoFpr;
  return perPhoto * (1 - c.syntheticRate);
}

/** P[false matches ≥ t'] for an account with n photos: binomial (ρ = 0) or beta-binomial tail. */
function accountTail(tEff: number, n: number, p: number, rho: number): number {
  if (n < tEff || p === 0) return 0;
  return betaBinomialTail(tEff, n, p, rho);
}

const CELLS = 4096;

/**
 * The analytic false-flag rate: E_n[P[false matches ≥ ⌈t/b⌉]] by the midpoint rule over count quantiles, with the
 * lower and upper Riemann sums as a bracket; `p` is the effective per-photo probability (see effectivePhotoFpr).
 */
export function analyticRate(
  d: CountDistribution,
  tEff: number,
  p: number,
  rho: number,
): { mid: number; lo: number; hi: number; log10Mid: number } {
  const logTail = (n: number): number => (n < tEff || p === 0 ? -Infinity : betaBinomialLogTail(tEff, n, p, rho));
  if (d.kind === 'fixed') {
    const v = accountTail(tEff, d.value, p, rho);
    return { mid: v, lo: v, hi: v, log10Mid: logTail(d.value) / Math.LN10 };
  }
  const cache = new Map<number, number>();
  const tail = (n: number): number => {
    let v = cache.get(n);
    if (v === undefined) cache.set(n, (v = accountTail(tEff, n, p, rho)));
    return v;
  };
  let mid = 0;
  let lo = 0;
  let hi = 0;
  const midLogs: number[] = [];
  for (let i = 0; i < CELLS; i++) {
    const n = countQuantile(d, (i + 0.5) / CELLS);
    mid += tail(n);
    if (mid === 0) midLogs.push(logTail(n));
    lo += tail(countQuantile(d, i / CELLS));
    hi += tail(countQuantile(d, (i + 1) / CELLS));
  }
  // Below the smallest double the sum is kept in log space (log-sum-exp), so that the value is still shown.
  let log10Mid = Math.log10(mid / CELLS);
  if (mid === 0) {
    const top = Math.max(...midLogs);
    log10Mid =
      top === -Infinity
        ? -Infinity
        : (top + Math.log(midLogs.reduce((s, x) => s + Math.exp(x - top), 0) / CELLS)) / Math.LN10;
  }
  return { mid: mid / CELLS, lo: lo / CELLS, hi: hi / CELLS, log10Mid };
}

const KNOWN_BINS: readonly [number, number][] = [
  [1, 1],
  [2, 4],
  [5, 9],
  [10, 19],
  [20, 29],
  [30, 49],
  [50, 99],
  [100, Infinity],
];

/** Draws one account's false matches among `n` photos. */
function falseMatches(prng: Prng, n: number, p: number, rho: number, shape: { alpha: number; beta: number }): number {
  if (n === 0 || p === 0) return 0;
  if (rho === 0) return binomialDraw(prng, n, p);
  return binomialDraw(prng, n, betaDraw(prng, shape.alpha, shape.beta));
}

export function simulatePopulation(config: PopulationConfig): PopulationResult {
  check(config);
  const t0 = performance.now();
  const t = config.accountThreshold;
  const b = config.burst;
  const tEff = Math.ceil(t / b);
  const p = effectivePhotoFpr(config);
  const q = config.tpr * (1 - config.syntheticRate);
  const rho = config.correlation;
  const shape = rho > 0 ? betaBinomialShape(p, rho) : { alpha: 0, beta: 0 };
  const holders = Math.round(config.accounts * config.knownShare);
  const innocent = config.accounts - holders;

  // Innocent accounts: the false-flag rate.
  const prng = createPrng(deriveSeed(config.seed, 'population', 'innocent'));
  let flagged = 0;
  let falseReviewed = 0;
  let photos = 0;
  for (let i = 0; i < innocent; i++) {
    const n = sampleCount(config.photosPerYear, prng);
    photos += n;
    const x = falseMatches(prng, n, p, rho, shape);
    if (x * b >= t) {
      flagged++;
      falseReviewed += x * b;
    }
  }
  // Holders of known images: detection, and what reviewers see of them.
  const hprng = createPrng(deriveSeed(config.seed, 'population', 'holders'));
  const bins = KNOWN_BINS.map(() => ({ accounts: 0, detected: 0 }));
  let detected = 0;
  let knownReviewed = 0;
  for (let i = 0; i < holders; i++) {
    const n = sampleCount(config.photosPerYear, hprng);
    const k = Math.max(1, sampleCount(config.knownPerAccount, hprng));
    photos += n + k;
    const hits = binomialDraw(hprng, k, q);
    const x = falseMatches(hprng, n, p, rho, shape);
    const bin = KNOWN_BINS.findIndex(([lo, hi]) => k >= lo && k <= hi);
    bins[bin]!.accounts++;
    if (hits + x * b >= t) {
      detected++;
      bins[bin]!.detected++;
      knownReviewed += hits;
      falseReviewed += x * b;
    }
  }
  const seconds = (performance.now() - t0) / 1000;

  const analytic = analyticRate(config.photosPerYear, tEff, p, rho);
  const rate = innocent > 0 ? clopperPearson(flagged, innocent) : null;
  const perMillion = (x: number): number => x * 1e6;
  const photosPerDay = photos / 365;
  const vouchersPerDay = photosPerDay * (config.dihedral ? 8 : 1);
  const cpuSecondsPerDay = (vouchersPerDay * config.serverCost.matcherMsPerVoucher) / 1000;
  const { photosPerYear, knownPerAccount, ...rest } = config;
  return {
    config: {
      ...rest,
      photosPerYear: formatCountDistribution(photosPerYear),
      knownPerAccount: formatCountDistribution(knownPerAccount),
    },
    analytic: {
      falseFlagRate: analytic.mid,
      bracket: [analytic.lo, analytic.hi],
      falseFlagsPerMillion: perMillion(analytic.mid),
      log10FalseFlagRate: analytic.log10Mid,
      effectivePhotoFpr: p,
      effectiveThreshold: tEff,
      model:
        rho === 0
          ? 'binomial: photos independent, each a false match with the effective per-photo probability'
          : `beta-binomial: an account's photos share one false-match probability, mean p, correlation ρ = ${rho}`,
    },
    simulated: {
      falseFlagRate: rate?.estimate ?? 0,
      ci: [rate?.lower ?? 0, rate?.upper ?? 1],
      accountsFlagged: flagged,
      innocentAccounts: innocent,
      falseFlagsPerMillion: {
        estimate: perMillion(rate?.estimate ?? 0),
        ci: [perMillion(rate?.lower ?? 0), perMillion(rate?.upper ?? 1)],
      },
      seconds,
    },
    detection: {
      holders,
      detected,
      rate: holders > 0 ? clopperPearson(detected, holders) : null,
      byKnown: KNOWN_BINS.map(([lo, hi], i) => ({
        known: hi === Infinity ? `${lo}+` : lo === hi ? `${lo}` : `${lo}-${hi}`,
        accounts: bins[i]!.accounts,
        detected: bins[i]!.detected,
        rate: bins[i]!.accounts > 0 ? clopperPearson(bins[i]!.detected, bins[i]!.accounts) : null,
      })).filter((x) => x.accounts > 0),
    },
    reviewerLoad: {
      photosPerYear: falseReviewed + knownReviewed,
      falseMatchPhotosPerYear: falseReviewed,
      knownImagePhotosPerYear: knownReviewed,
      innocentAccountsFlagged: flagged,
      photosPerYearPerMillionAccounts: ((falseReviewed + knownReviewed) / config.accounts) * 1e6,
    },
    serverCost: {
      photosPerDay,
      vouchersPerDay,
      cpuSecondsPerDay,
      cores: cpuSecondsPerDay / 86400,
      bytesPerDay: photosPerDay * config.serverCost.addedBytesPerPhoto,
      model: config.serverCost,
    },
  };
}
