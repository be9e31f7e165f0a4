// Shamir secret sharing of the account key over the prime field of p = 2^255 − 19, on bigint: shares of a random
// polynomial of degree t − 1 whose constant term is the secret, Lagrange reconstruction, and full interpolation so
// that further shares can be checked against the polynomial.
import { PsiError } from '../../errors.js';
import { systemRandom, type RandomSource } from '../../random.js';

export const SHAMIR_PRIME = (1n << 255n) - 19n;
/** Bytes of an encoded field element (big-endian). */
export const SHAMIR_ELEMENT_BYTES = 32;

export interface ShamirShare {
  readonly x: bigint;
  readonly y: bigint;
}

const mod = (a: bigint): bigint => {
  const r = a % SHAMIR_PRIME;
  return r < 0n ? r + SHAMIR_PRIME : r;
};

/** The inverse of a non-zero element by the extended Euclidean algorithm. */
export function fieldInverse(a: bigint): bigint {
  let [r0, r1] = [mod(a), SHAMIR_PRIME];
  if (r0 === 0n) throw new PsiError('zero has no inverse');
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0);
}

/** A big-endian 32-byte integer; undefined unless it is a field element. */
export function fieldElementFromBytes(bytes: Uint8Array): bigint | undefined {
  if (bytes.length !== SHAMIR_ELEMENT_BYTES) return undefined;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v < SHAMIR_PRIME ? v : undefined;
}

export function fieldElementToBytes(v: bigint): Uint8Array {
  if (v < 0n || v >= SHAMIR_PRIME) throw new PsiError('value is not a field element');
  const out = new Uint8Array(SHAMIR_ELEMENT_BYTES);
  let rest = v;
  for (let i = SHAMIR_ELEMENT_BYTES - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** A uniformly random field element: 255 random bits, rejected when not below p (probability 19/2^255). */
export function randomFieldElement(source: RandomSource = systemRandom): bigint {
  for (;;) {
    const bytes = source.bytes(SHAMIR_ELEMENT_BYTES);
    bytes[0]! &= 0x7f;
    const v = fieldElementFromBytes(bytes);
    if (v !== undefined) return v;
  }
}

/** The coefficients (constant term first) of a random polynomial of degree t − 1 with f(0) = secret. */
export function sharingPolynomial(secret: bigint, threshold: number, source: RandomSource = systemRandom): bigint[] {
  if (!Number.isInteger(threshold) || threshold < 1)
    throw new PsiError(`threshold must be a positive integer, got ${threshold}`);
  return [mod(secret), ...Array.from({ length: threshold - 1 }, () => randomFieldElement(source))];
}

export function evaluatePolynomial(coefficients: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let i = coefficients.length - 1; i >= 0; i--) acc = mod(acc * x + coefficients[i]!);
  return acc;
}

function requireDistinct(shares: readonly ShamirShare[]): void {
  const seen = new Set<bigint>();
  for (const s of shares) {
    if (seen.has(s.x)) throw new PsiError('two shares at the same x');
    seen.add(s.x);
  }
}

/** f(0) from exactly the given shares (Lagrange at zero); distinct x required. */
export function reconstructSecret(shares: readonly ShamirShare[]): bigint {
  requireDistinct(shares);
  let secret = 0n;
  for (const [j, sj] of shares.entries()) {
    let numerator = 1n;
    let denominator = 1n;
    for (const [l, sl] of shares.entries()) {
      if (l === j) continue;
      numerator = mod(numerator * sl.x);
      denominator = mod(denominator * (sl.x - sj.x));
    }
    secret = mod(secret + sj.y * numerator * fieldInverse(denominator));
  }
  return secret;
}

/**
 * The coefficients of the unique polynomial of degree < k through k shares (distinct x): the product
 * M(X) = Π (X − x_l) once, then each Lagrange basis polynomial M(X)/(X − x_j) by synthetic division.
 */
export function interpolatePolynomial(shares: readonly ShamirShare[]): bigint[] {
  requireDistinct(shares);
  const k = shares.length;
  let master: bigint[] = [1n];
  for (const { x } of shares) {
    const next = new Array<bigint>(master.length + 1).fill(0n);
    for (let i = 0; i < master.length; i++) {
      next[i + 1] = mod(next[i + 1]! + master[i]!);
      next[i] = mod(next[i]! - x * master[i]!);
    }
    master = next;
  }
  const out = new Array<bigint>(k).fill(0n);
  for (const { x, y } of shares) {
    const basis = new Array<bigint>(k);
    let carry = 0n;
    for (let i = k; i >= 1; i--) {
      carry = mod(master[i]! + carry * x);
      basis[i - 1] = carry;
    }
    const scale = mod(y * fieldInverse(evaluatePolynomial(basis, x)));
    for (let i = 0; i < k; i++) out[i] = mod(out[i]! + scale * basis[i]!);
  }
  return out;
}
