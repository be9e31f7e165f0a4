// A uniformly random permutation (from the system CSPRNG unless a seeded run asks otherwise), for hiding the order of
// blinded sets.
import { systemRandom, type RandomSource } from './random.js';

/** A uniform integer in [0, n) by rejection sampling 32-bit words, so no value is favoured. */
function uniformBelow(n: number, words: () => number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    const x = words();
    if (x < limit) return x % n;
  }
}

function randomWords(source: RandomSource): () => number {
  let buffer: Uint32Array = new Uint32Array(0);
  let i = 0;
  return () => {
    if (i >= buffer.length) {
      const bytes = source.bytes(4096);
      buffer = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
      i = 0;
    }
    return buffer[i++]!;
  };
}

/** Shuffles `items` in place (Fisher–Yates) and returns it. */
export function secureShuffle<T>(items: T[], source: RandomSource = systemRandom): T[] {
  const words = randomWords(source);
  for (let i = items.length - 1; i > 0; i--) {
    const j = uniformBelow(i + 1, words);
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}
