// The WebAssembly pair-histogram kernel against the JavaScript kernel (its oracle) and a brute-force count: same
// histogram for every hash length, group layout and row range; the compiled module must exist after the build.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hash } from '../src/hash/types.js';
import { hammingBytes } from '../src/hash/hamming.js';
import { allPairsHistogram, balancedRanges, groupHashes } from '../src/eval/pair-distances.js';
import { wasmAllPairsHistogram } from '../src/eval/pair-kernel-wasm.js';
import { wasmPath } from '../src/util/wasm.js';
import { createPrng } from '../src/util/prng.js';

const rng = createPrng(2024);

function randomHashes(n: number, nbits: number, clustered: boolean): Hash[] {
  const bytes = Math.ceil(nbits / 8);
  const centre = Uint8Array.from({ length: bytes }, () => rng.nextInt(256));
  return Array.from({ length: n }, () => {
    const bits = clustered ? centre.slice() : Uint8Array.from({ length: bytes }, () => rng.nextInt(256));
    if (clustered) for (let k = 0; k < 1 + rng.nextInt(12); k++) bits[rng.nextInt(bytes)]! ^= 1 << rng.nextInt(8);
    if (nbits % 8) bits[0]! &= (1 << (nbits % 8)) - 1;
    return { algo: 'x', nbits, bits } as Hash;
  });
}

function groupsOf(n: number, size: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(i / size));
}

function bruteForce(hashes: Hash[], groups: number[], from: number, to: number): number[] {
  const hist = new Array<number>(hashes[0]!.nbits + 1).fill(0);
  for (let i = from; i < to; i++)
    for (let j = i + 1; j < hashes.length; j++)
      if (groups[i] !== groups[j]) hist[hammingBytes(hashes[i]!.bits, hashes[j]!.bits)]!++;
  return hist;
}

const jsKernel = (...args: Parameters<typeof allPairsHistogram>): number[] => {
  process.env.SCANLAB_NO_WASM = '1';
  try {
    return allPairsHistogram(...args);
  } finally {
    delete process.env.SCANLAB_NO_WASM;
  }
};
afterEach(() => {
  delete process.env.SCANLAB_NO_WASM;
});

describe('WebAssembly pair-histogram kernel', () => {
  it('is built (npm ci and npm test compile it), so the fast path is what the tests exercise', () => {
    expect(existsSync(wasmPath('pair-histogram')), `${wasmPath('pair-histogram')}: run npm run build:wasm`).toBe(true);
  });

  it.each([256, 64, 96, 42, 16, 1024])('%i-bit hashes: equals the JS kernel and a brute-force count', (nbits) => {
    for (const clustered of [false, true]) {
      for (const groupSize of [1, 3]) {
        const n = 211;
        const hashes = randomHashes(n, nbits, clustered);
        const groups = groupsOf(n, groupSize);
        const g = groupHashes(hashes, groups);
        for (const [from, to] of [
          [0, n],
          [17, 120],
          [n - 1, n],
          [5, 5],
        ] as const) {
          const fast = allPairsHistogram(g, from, to);
          expect(fast).toEqual(jsKernel(g, from, to));
          expect(fast).toEqual(bruteForce(hashes, groups, from, to));
        }
      }
    }
  });

  it('balanced row ranges computed on the kernel add up to the whole histogram', () => {
    const hashes = randomHashes(500, 256, false);
    const g = groupHashes(hashes, groupsOf(500, 2));
    const whole = allPairsHistogram(g);
    const parts = balancedRanges(g, 7).map(([from, to]) => allPairsHistogram(g, from, to));
    expect(parts.reduce((acc, p) => acc.map((c, d) => c + p[d]!))).toEqual(whole);
  });

  it('returns null rather than a wrong answer when the kernel is switched off', () => {
    process.env.SCANLAB_NO_WASM = '1';
    const g = groupHashes(randomHashes(10, 64, false), groupsOf(10, 1));
    expect(wasmAllPairsHistogram(g, new Int32Array(10).fill(10), 0, 10)).toBeNull();
  });
});
