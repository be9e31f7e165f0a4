// Exact random draws from a seeded stream: gamma (Marsaglia–Tsang), beta, and binomial (inversion for small means,
// Devroye's order-statistic splitting above), so that a whole account's year is one or two draws, not one per photo.
import type { Prng } from '../util/prng.js';

/** ln of a Gamma(shape, 1) draw; in log space so that tiny shapes (rare events) do not underflow to 0. */
export function logGammaDraw(prng: Prng, shape: number): number {
  if (shape < 1) return logGammaDraw(prng, shape + 1) + Math.log(prng.nextOpenUnit()) / shape;
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = prng.nextNormal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = prng.nextOpenUnit();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}

/** A Beta(a, b) draw. */
export function betaDraw(prng: Prng, a: number, b: number): number {
  const la = logGammaDraw(prng, a);
  const lb = logGammaDraw(prng, b);
  const m = Math.max(la, lb);
  const ea = Math.exp(la - m);
  return ea / (ea + Math.exp(lb - m));
}

const SPLIT_MEAN = 20;

/** Binomial(n, p) by inversion from 0; for n·p below SPLIT_MEAN (expected n·p + 1 steps). */
function binomialInversion(prng: Prng, n: number, p: number): number {
  if (n === 0 || p === 0) return 0;
  const r = p / (1 - p);
  let f = Math.exp(n * Math.log1p(-p));
  let u = prng.nextOpenUnit();
  let x = 0;
  while (u > f && x < n) {
    u -= f;
    x++;
    f *= (r * (n - x + 1)) / x;
  }
  return x;
}

/** An exact Binomial(n, p) draw. */
export function binomialDraw(prng: Prng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomialDraw(prng, n, 1 - p);
  let x = 0;
  // The i-th smallest of n uniforms is Beta(i, n + 1 − i); the uniforms below p are then those below it, or it and
  // those above: one beta draw halves n.
  while (n * p >= SPLIT_MEAN) {
    const i = (n + 1) >> 1;
    const y = betaDraw(prng, i, n + 1 - i);
    if (p < y) {
      n = i - 1;
      p /= y;
    } else {
      x += i;
      n -= i;
      p = (p - y) / (1 - y);
    }
  }
  return x + binomialInversion(prng, n, p);
}
