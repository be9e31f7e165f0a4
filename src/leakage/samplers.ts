// Seeded random variates for leakage simulations (never for keys): uniform, binomial and hypergeometric counts.
import { createPrng } from '../util/prng.js';

/** A uniform number in [0, 1) with 53 bits from two 32-bit words. */
export type Uniform = () => number;

export function seededUniform(seed: number): Uniform {
  const next = createPrng(seed);
  return () => ((next.nextUint32() >>> 5) * 67108864 + (next.nextUint32() >>> 6)) / 9007199254740992;
}

/**
 * Bin(n, p) by geometric waiting times between successes: O(n·min(p, 1 − p)) steps, exact up to the uniform's
 * precision.
 */
export function binomial(u: Uniform, n: number, p: number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(u, n, 1 - p);
  const logQ = Math.log1p(-p);
  let successes = 0;
  let position = 0;
  for (;;) {
    position += Math.floor(Math.log(1 - u()) / logQ) + 1;
    if (position > n) return successes;
    successes++;
  }
}

/** Successes among `draws` taken without replacement from `population` items of which `successes` are successes. */
export function hypergeometric(u: Uniform, population: number, successes: number, draws: number): number {
  let found = 0;
  let left = successes;
  for (let i = 0; i < draws && left > 0; i++) {
    if (u() * (population - i) < left) {
      found++;
      left--;
    }
  }
  return found;
}
