// Beta-binomial upper tails in log space: the chance that an account with n photos reaches t false matches when its
// photos' false-match probabilities are correlated (intra-account correlation ρ), accurate far into the tail.
//
// API (small on purpose; the population simulator imports it):
//   betaBinomialLogTail(t, n, p, rho) → ln P[X ≥ t]   (−Infinity when the probability is exactly 0)
//   betaBinomialTail(t, n, p, rho)    → P[X ≥ t]      (underflows to 0 below ~1e-308: use the log form for display)
//   betaBinomialShape(p, rho)         → { alpha, beta } with α + β = (1 − ρ)/ρ, α/(α + β) = p
// X ~ BetaBinomial(n, α, β): every photo of an account shares one false-match probability q ~ Beta(α, β), mean p, and
// any two photos' false-match indicators have correlation ρ = 1/(α + β + 1). ρ = 0 is the binomial Bin(n, p) (photos
// independent); ρ = 1 makes every photo match or none (P[X ≥ t] = p for 1 ≤ t ≤ n). Agrees with SciPy's
// betabinom(n, α, β).sf(t − 1) (see test/vectors/beta-binomial).
import { logGamma } from './special.js';

/** The beta parameters of the per-account false-match probability for mean p and intra-account correlation ρ. */
export function betaBinomialShape(p: number, rho: number): { readonly alpha: number; readonly beta: number } {
  const s = (1 - rho) / rho;
  return { alpha: p * s, beta: (1 - p) * s };
}

const STIRLING_MIN = 10;

/** ln Γ(x) − (x − ½) ln x + x − ½ ln 2π for x ≥ 10: the Stirling series remainder (error < 1e-13). */
function stirlingRemainder(x: number): number {
  const x2 = x * x;
  return (1 / x) * (1 / 12 - (1 / x2) * (1 / 360 - (1 / x2) * (1 / 1260 - 1 / (1680 * x2))));
}

/**
 * ln Γ(x + h) − ln Γ(x) for x > 0, h ≥ 0, with an absolute error proportional to the result rather than to ln Γ(x):
 * for large x the difference of two huge log-gammas would lose every digit (ln Γ(1e12) ≈ 2.6e13).
 */
function logGammaRatio(x: number, h: number): number {
  if (h === 0) return 0;
  if (x < STIRLING_MIN) return logGamma(x + h) - logGamma(x);
  const y = x + h;
  return (x - 0.5) * Math.log1p(h / x) + h * Math.log(y) - h + stirlingRemainder(y) - stirlingRemainder(x);
}

/** ln C(n, k). */
function logChoose(n: number, k: number): number {
  return logGammaRatio(n - k + 1, k) - logGammaRatio(1, k);
}

/** ln P[X = k] and the ratio P[X = k + 1]/P[X = k]. */
interface Pmf {
  logAt(k: number): number;
  ratio(k: number): number;
  /** True when the ratio is non-increasing from its maximum onwards (a geometric bound then ends the sum). */
  readonly ratioEventuallyFalls: boolean;
}

function binomialPmf(n: number, p: number): Pmf {
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  const odds = p / (1 - p);
  return {
    logAt: (k) => logChoose(n, k) + k * logP + (n - k) * logQ,
    ratio: (k) => ((n - k) / (k + 1)) * odds,
    ratioEventuallyFalls: true,
  };
}

function betaBinomialPmf(n: number, alpha: number, beta: number): Pmf {
  // P[X = k] = C(n, k) · B(k + α, n − k + β)/B(α, β) = C(n, k) · Γ(α + k)/Γ(α) · Γ(β + n − k)/Γ(β) / [Γ(α + β + n)/Γ(α + β)]:
  // three log-gamma ratios whose steps (k, n − k, n) are at most n, so that their rounding error is about
  // n·ln(α + β)·2⁻⁵³ however large α and β get (ρ → 0), instead of ln Γ(α + β)·2⁻⁵³.
  return {
    logAt: (k) =>
      logChoose(n, k) + logGammaRatio(alpha, k) + logGammaRatio(beta, n - k) - logGammaRatio(alpha + beta, n),
    ratio: (k) => ((n - k) / (k + 1)) * ((k + alpha) / (n - k - 1 + beta)),
    // d/dk ln ratio = (1 − α)/((k + α)(k + 1)) − (β − 1)/((n − k)(n − k − 1 + β)): one sign change (+ to −) when
    // β ≥ 1, so the ratio rises at most once and then falls. With β < 1 it can rise again near n.
    ratioEventuallyFalls: beta >= 1,
  };
}

/** ln Σ_{k ≥ t} P[X = k], summing terms upward from t with the pmf's ratio and a geometric bound on what is left. */
function logUpperSum(pmf: Pmf, t: number, n: number): number {
  const logFirst = pmf.logAt(t);
  if (logFirst === -Infinity) return -Infinity;
  // Terms are kept relative to a moving scale so that neither overflow nor underflow can occur.
  let logScale = logFirst;
  let term = 1;
  let sum = 1;
  let previousRatio = Infinity;
  for (let k = t; k < n; k++) {
    const r = pmf.ratio(k);
    term *= r;
    sum += term;
    if (sum > 1e250) {
      logScale += Math.log(sum);
      term /= sum;
      sum = 1;
    }
    const falling = r <= previousRatio;
    previousRatio = r;
    if (term === 0) break;
    if (pmf.ratioEventuallyFalls && falling && r < 1) {
      const nextRatio = pmf.ratio(k + 1);
      if (nextRatio <= r && (term * nextRatio) / (1 - nextRatio) < sum * 1e-17) break;
    }
  }
  return logScale + Math.log(sum);
}

function check(t: number, n: number, p: number, rho: number): void {
  if (!Number.isInteger(t) || !Number.isInteger(n) || n < 0)
    throw new RangeError(`beta-binomial tail: t and n must be integers, n ≥ 0 (got t=${t}, n=${n})`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`beta-binomial tail: p must be in [0, 1] (got ${p})`);
  if (!(rho >= 0 && rho <= 1)) throw new RangeError(`beta-binomial tail: rho must be in [0, 1] (got ${rho})`);
}

/** ln P[X ≥ t] for X ~ BetaBinomial(n, mean p, correlation ρ); ρ = 0 is the binomial. Integers t, n ≥ 0. */
export function betaBinomialLogTail(t: number, n: number, p: number, rho: number): number {
  check(t, n, p, rho);
  if (t <= 0) return 0;
  if (t > n || p === 0) return -Infinity;
  if (p === 1) return 0;
  if (rho === 1) return Math.log(p);
  if (rho === 0) return logUpperSum(binomialPmf(n, p), t, n);
  const { alpha, beta } = betaBinomialShape(p, rho);
  if (!Number.isFinite(alpha + beta)) return logUpperSum(binomialPmf(n, p), t, n);
  return logUpperSum(betaBinomialPmf(n, alpha, beta), t, n);
}

/** P[X ≥ t] for X ~ BetaBinomial(n, mean p, correlation ρ); 0 only when it is below the smallest double. */
export function betaBinomialTail(t: number, n: number, p: number, rho: number): number {
  return Math.exp(betaBinomialLogTail(t, n, p, rho));
}
