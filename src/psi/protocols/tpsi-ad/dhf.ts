// The detectable hash function (DHF) of the Apple PSI design over GF(2^31 − 1): each real voucher carries the values of m
// secret random polynomials of degree t − 2 at a point x, each synthetic voucher m random values. Fewer than t real
// values are uniformly random (so indistinguishable from synthetic ones); t or more become linearly dependent, which
// lets the server find them (`dhf-detector.ts`).
import { PsiError } from '../../errors.js';
import { systemRandom, type RandomSource } from '../../random.js';
import { m31Add, m31Mul, m31Random } from './m31.js';

/**
 * Spare dimensions beyond the synthetic vouchers an account may send: with k spare dimensions, random rows are
 * mistaken for dependent ones with probability below 2^(−31·k) per row.
 */
export const DHF_SLACK = 2;

/** The most synthetic vouchers an account may send when its DHF values have `dimension` entries. */
export const dhfCapacity = (dimension: number): number => dimension - DHF_SLACK;

export interface DhfKey {
  readonly threshold: number;
  readonly dimension: number;
  /** `dimension` polynomials of t − 1 coefficients each (constant term first), polynomial j from index j·(t − 1). */
  readonly coefficients: Uint32Array;
}

export function generateDhfKey(threshold: number, dimension: number, source: RandomSource = systemRandom): DhfKey {
  if (!Number.isInteger(threshold) || threshold < 1)
    throw new PsiError(`DHF threshold must be a positive integer, got ${threshold}`);
  if (!Number.isInteger(dimension) || dimension <= DHF_SLACK)
    throw new PsiError(`DHF dimension must be an integer above ${DHF_SLACK}, got ${dimension}`);
  return { threshold, dimension, coefficients: m31Random(dimension * (threshold - 1), source) };
}

/** The key's m values at x (Horner's rule per polynomial). */
export function dhfValues(key: DhfKey, x: number): Uint32Array {
  const terms = key.threshold - 1;
  const out = new Uint32Array(key.dimension);
  for (let j = 0; j < key.dimension; j++) {
    let acc = 0;
    for (let i = terms - 1; i >= 0; i--) acc = m31Add(m31Mul(acc, x), key.coefficients[j * terms + i]!);
    out[j] = acc;
  }
  return out;
}

/** What a synthetic voucher carries instead: m uniformly random values. */
export const syntheticDhfValues = (dimension: number, source: RandomSource = systemRandom): Uint32Array =>
  m31Random(dimension, source);

/** The row the detector works on: (1, x, …, x^(t−2)) followed by the m values; real rows span only t − 1 dimensions. */
export function dhfRow(threshold: number, x: number, values: Uint32Array): Uint32Array {
  const terms = threshold - 1;
  const row = new Uint32Array(terms + values.length);
  let power = 1;
  for (let i = 0; i < terms; i++) {
    row[i] = power;
    power = m31Mul(power, x);
  }
  row.set(values, terms);
  return row;
}
