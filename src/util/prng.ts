// Seeded pseudo-random numbers (xoshiro128**, Blackman & Vigna) for transforms, sampling, synthetic data, fuzzing and
// benchmarks: seed derivation, uniform, normal and byte draws. Never for keys or blinds.

/** A stream of pseudo-random numbers; every random choice a transform makes comes from one. */
export interface Prng {
  /** The next 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform double in (0, 1), never exactly 0 or 1. */
  nextOpenUnit(): number;
  /** A uniform integer in [0, n), n ≥ 1 (rejection sampling, no modulo bias). */
  nextInt(n: number): number;
  /** A standard normal N(0, 1) draw (Box–Muller; the second value of each pair is kept for the next call). */
  nextNormal(): number;
  /** Fills `out` with standard normal draws: the same values as `out.length` calls of `nextNormal`, faster. */
  fillNormals(out: Float32Array | Float64Array): void;
}

const TWO_POW_32 = 4294967296;

/** MurmurHash3's 32-bit finaliser: a bijective mixer of one 32-bit word. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Mixes one 32-bit word into a running hash. */
function absorb(h: number, word: number): number {
  return fmix32((h ^ (word >>> 0)) + 0x9e3779b9);
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
}

/** Absorbs a safe integer (negative ones included) as its low and high 32-bit words. */
function absorbInteger(h: number, n: number): number {
  const lo = n >>> 0;
  const hi = Math.floor(n / TWO_POW_32) >>> 0;
  return absorb(absorb(h, lo), hi);
}

/**
 * A new 32-bit seed from a seed and labels (numbers or strings), e.g. `deriveSeed(runSeed, imageId, 'noise')`:
 * different labels give unrelated streams, the same labels the same one.
 */
export function deriveSeed(seed: number, ...labels: readonly (number | string)[]): number {
  checkSeed(seed);
  let h = absorbInteger(0x6a09e667, seed);
  for (const label of labels) {
    if (typeof label === 'number') {
      checkSeed(label);
      h = absorb(absorbInteger(h, label), 1);
    } else {
      for (let i = 0; i < label.length; i++) h = absorb(h, label.charCodeAt(i));
      h = absorb(h, 2 + label.length);
    }
  }
  return h;
}

/** xoshiro128** from an explicit 128-bit state (four 32-bit words, not all zero), exactly as the reference C code. */
export function xoshiro128ss(state: readonly [number, number, number, number]): Prng {
  let s0 = state[0] >>> 0;
  let s1 = state[1] >>> 0;
  let s2 = state[2] >>> 0;
  let s3 = state[3] >>> 0;
  if ((s0 | s1 | s2 | s3) === 0) throw new RangeError('xoshiro128** state must not be all zero');
  let spareNormal = 0;
  let hasSpare = false;

  const nextUint32 = (): number => {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  };
  const nextOpenUnit = (): number => (nextUint32() + 0.5) / TWO_POW_32;

  const nextNormal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spareNormal;
    }
    const radius = Math.sqrt(-2 * Math.log(nextOpenUnit()));
    const angle = 2 * Math.PI * nextOpenUnit();
    spareNormal = radius * Math.sin(angle);
    hasSpare = true;
    return radius * Math.cos(angle);
  };

  return {
    nextUint32,
    nextOpenUnit,
    nextNormal,
    nextInt(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32)
        throw new RangeError(`nextInt bound must be an integer in [1, 2^32], got ${n}`);
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      let x = nextUint32();
      while (x >= limit) x = nextUint32();
      return x % n;
    },
    fillNormals(out: Float32Array | Float64Array): void {
      let i = 0;
      if (hasSpare && out.length > 0) out[i++] = nextNormal();
      for (; i + 1 < out.length; i += 2) {
        const radius = Math.sqrt(-2 * Math.log((nextUint32() + 0.5) / TWO_POW_32));
        const angle = (2 * Math.PI * (nextUint32() + 0.5)) / TWO_POW_32;
        out[i] = radius * Math.cos(angle);
        out[i + 1] = radius * Math.sin(angle);
      }
      if (i < out.length) out[i] = nextNormal();
    },
  };
}

/** A generator seeded from one integer: the four state words are successive mixes of the seed, never all zero. */
export function createPrng(seed: number): Prng {
  const base = deriveSeed(seed);
  const words: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) words[i] = fmix32(base + Math.imul(i + 1, 0x9e3779b9));
  if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
  return xoshiro128ss(words);
}

/** `length` bytes from a generator, four per 32-bit draw (little-endian). */
export function randomBytesFrom(prng: Prng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    const word = prng.nextUint32();
    for (let k = 0; k < 4 && i + k < length; k++) out[i + k] = (word >>> (8 * k)) & 0xff;
  }
  return out;
}
