// Arithmetic in the prime field of p = 2^31 − 1 (a Mersenne prime) on plain numbers: the detectable hash function's field.
import { systemRandom, type RandomSource } from '../../random.js';

export const M31 = 0x7fff_ffff;

export const m31Add = (a: number, b: number): number => {
  const s = a + b;
  return s >= M31 ? s - M31 : s;
};

export const m31Sub = (a: number, b: number): number => {
  const d = a - b;
  return d < 0 ? d + M31 : d;
};

/** a·b mod p for a, b in [0, p): b is split into 15 and 16 bits so that every partial product stays below 2^53. */
export function m31Mul(a: number, b: number): number {
  const high = b >>> 16;
  const low = b & 0xffff;
  return (((a * high) % M31) * 65536 + a * low) % M31;
}

export function m31Pow(base: number, exponent: number): number {
  let result = 1;
  let b = base;
  for (let e = exponent; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = m31Mul(result, b);
    b = m31Mul(b, b);
  }
  return result;
}

/** The inverse of a non-zero element (Fermat: a^(p−2)). */
export const m31Inv = (a: number): number => m31Pow(a, M31 - 2);

/** Uniform field elements from 31-bit words of `bytes`, rejecting the one word equal to p; undefined when the bytes run out. */
export function m31FromWords(bytes: Uint8Array, count: number): Uint32Array | undefined {
  const out = new Uint32Array(count);
  let filled = 0;
  for (let at = 0; at + 4 <= bytes.length && filled < count; at += 4) {
    const word = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) & M31;
    if (word !== M31) out[filled++] = word;
  }
  return filled === count ? out : undefined;
}

/** `count` uniformly random field elements (from the system CSPRNG unless another source is given). */
export function m31Random(count: number, source: RandomSource = systemRandom): Uint32Array {
  for (;;) {
    const out = m31FromWords(source.bytes(4 * count + 16), count);
    if (out) return out;
  }
}
