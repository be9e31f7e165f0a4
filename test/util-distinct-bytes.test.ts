import { describe, it, expect } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { distinctByteArrays, fnv1a32 } from '../src/util/distinct-bytes.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';

/** The oracle: first occurrences by their hex strings in a Set. */
function distinctByHex(inputs: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return inputs.filter((x) => {
    const key = bytesToHex(x);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

describe('distinct byte strings', () => {
  it('keeps exactly the first occurrences, in order, as a Set of hex strings does (5,000 lists)', () => {
    const next = createPrng(0xd15);
    for (let trial = 0; trial < 5000; trial++) {
      const pool = Array.from({ length: 1 + next.nextInt(12) }, () => randomBytesFrom(next, next.nextInt(5)));
      // Copies, not the same objects: equality must be by bytes.
      const inputs = Array.from({ length: next.nextInt(40) }, () => pool[next.nextInt(pool.length)]!.slice());
      const got = distinctByteArrays(inputs);
      const want = distinctByHex(inputs);
      expect(got.length).toBe(want.length);
      got.forEach((x, i) => expect(x).toBe(want[i]));
    }
  });

  it('tells apart a string, its zero-padded copy and the empty string', () => {
    const inputs = [new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]), new Uint8Array(0), new Uint8Array([1, 2])];
    inputs.push(new Uint8Array(0), new Uint8Array([0]));
    expect(distinctByteArrays(inputs).map((x) => bytesToHex(x))).toEqual(['0102', '010200', '', '00']);
  });

  it('keeps both strings of a hash collision, and drops repeats of either', () => {
    const next = createPrng(0xc011);
    const byHash = new Map<number, Uint8Array>();
    let pair: [Uint8Array, Uint8Array] | undefined;
    for (let i = 0; i < 400_000 && !pair; i++) {
      const x = randomBytesFrom(next, 8);
      const h = fnv1a32(x);
      const other = byHash.get(h);
      if (other && bytesToHex(other) !== bytesToHex(x)) pair = [other, x];
      else byHash.set(h, x);
    }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    expect(fnv1a32(a)).toBe(fnv1a32(b));
    const got = distinctByteArrays([a, b, a.slice(), b.slice(), a]);
    expect(got).toEqual([a, b]);
    expect(got[0]).toBe(a);
    expect(got[1]).toBe(b);
  });

  it('handles 200,000 strings with a repeat in every tenth place', () => {
    const next = createPrng(7);
    const inputs: Uint8Array[] = [];
    for (let i = 0; i < 200_000; i++)
      inputs.push(i % 10 === 9 ? inputs[next.nextInt(inputs.length)]!.slice() : randomBytesFrom(next, 38));
    const got = distinctByteArrays(inputs);
    const want = distinctByHex(inputs);
    expect(got.length).toBe(want.length);
    expect(got.every((x, i) => x === want[i])).toBe(true);
  });
});
