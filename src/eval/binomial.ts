// Binomial proportions: point estimates with 95% intervals (Wilson, Clopper–Pearson) and binomial tails.
import { betaInc, betaIncInverse } from './special.js';

export type IntervalMethod = 'wilson' | 'clopper-pearson';

/** A proportion k/n with its confidence interval. */
export interface Proportion {
  readonly k: number;
  readonly n: number;
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly method: IntervalMethod;
  readonly confidence: number;
}

/** Standard normal quantile for a two-sided interval (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0 || p >= 1) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

function check(k: number, n: number): void {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n <= 0 || k < 0 || k > n)
    throw new RangeError(`proportion needs integers 0 ≤ k ≤ n, n > 0 (got ${k}/${n})`);
}

/** Wilson score interval. */
export function wilson(k: number, n: number, confidence = 0.95): Proportion {
  check(k, n);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = k / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))) / (1 + z2n);
  return {
    k,
    n,
    estimate: p,
    lower: k === 0 ? 0 : Math.max(0, centre - half),
    upper: k === n ? 1 : Math.min(1, centre + half),
    method: 'wilson',
    confidence,
  };
}

/** Clopper–Pearson ("exact") interval from beta quantiles; never narrower than the nominal coverage. */
export function clopperPearson(k: number, n: number, confidence = 0.95): Proportion {
  check(k, n);
  const alpha = 1 - confidence;
  const lower = k === 0 ? 0 : betaIncInverse(alpha / 2, k, n - k + 1);
  const upper = k === n ? 1 : betaIncInverse(1 - alpha / 2, k + 1, n - k);
  return { k, n, estimate: k / n, lower, upper, method: 'clopper-pearson', confidence };
}

export function proportion(
  k: number,
  n: number,
  method: IntervalMethod = 'clopper-pearson',
  confidence = 0.95,
): Proportion {
  return method === 'wilson' ? wilson(k, n, confidence) : clopperPearson(k, n, confidence);
}

/** P[X ≥ t] for X ~ Binomial(n, p), accurate for tiny p (via I_p(t, n − t + 1)). */
export function binomialTailAtLeast(t: number, n: number, p: number): number {
  if (t <= 0) return 1;
  if (t > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return betaInc(p, t, n - t + 1);
}

/** P[X ≤ k] for X ~ Binomial(n, p); n and k may be non-integer (the continuous extension used by the DoF fit). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  return betaInc(1 - p, n - k, k + 1);
}

/** Human-readable form: "1.2e-4 [9.1e-5, 1.6e-4]", or "< 3/n = 1.5e-6" with zero events (rule of three). */
export function formatProportion(p: Proportion, digits = 2): string {
  const f = (x: number): string => (x === 0 ? '0' : x >= 0.01 ? x.toFixed(digits + 1) : x.toExponential(digits - 1));
  if (p.k === 0) return `0/${p.n} (< 3/n = ${f(3 / p.n)})`;
  return `${f(p.estimate)} [${f(p.lower)}, ${f(p.upper)}]`;
}
