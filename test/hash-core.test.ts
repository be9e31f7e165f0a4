import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bmvbhash } from 'blockhash-core';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../src/image/decode.js';
import { bitAt, fromHex, packMsbFirst, toHex } from '../src/hash/bits.js';
import { blockhash } from '../src/hash/blockhash.js';
import { hamming, hammingBytes, popcount32 } from '../src/hash/hamming.js';
import { getHasher } from '../src/hash/registry.js';
import { HashError, type Hash } from '../src/hash/types.js';
import { createPrng } from '../src/util/prng.js';
import { repoRoot } from './helpers/images.js';

/** Uniform doubles in (0, 1) from the project's seeded generator, for property tests. */
function rng(seed: number): () => number {
  const prng = createPrng(seed);
  return () => prng.nextOpenUnit();
}

function randomBits(n: number, next: () => number): number[] {
  return Array.from({ length: n }, () => (next() < 0.5 ? 1 : 0));
}

describe('bit packing and hex', () => {
  it('packs MSB first and prints the bit string as one binary number', () => {
    const h = packMsbFirst('x', [1, 0, 1, 1, 0, 0, 0, 0, 1]);
    expect(toHex(h)).toBe((0b101100001).toString(16).padStart(3, '0'));
    expect(h.bits.length).toBe(2);
    expect([0, 1, 2, 3, 8].map((i) => bitAt(h, i))).toEqual([1, 0, 1, 1, 1]);
  });

  it('round-trips hex for every length from 1 to 300 bits', () => {
    const next = rng(1);
    for (let n = 1; n <= 300; n++) {
      const bits = randomBits(n, next);
      const h = packMsbFirst('t', bits);
      const hex = toHex(h);
      expect(hex.length).toBe(Math.ceil(n / 4));
      expect(BigInt('0x' + hex)).toBe(BigInt('0b' + bits.join('')));
      const back = fromHex('t', n, hex);
      expect(Array.from(back.bits)).toEqual(Array.from(h.bits));
      expect(Array.from({ length: n }, (_, i) => bitAt(back, i))).toEqual(bits);
    }
  });

  it('rejects malformed hex', () => {
    expect(() => fromHex('phash', 64, 'abc')).toThrow(HashError);
    expect(() => fromHex('phash', 64, 'zz' + '0'.repeat(14))).toThrow(/non-hex/);
    expect(() => fromHex('colorhash', 42, '80000000000')).toThrow(/above its 42-bit length/);
    expect(toHex(fromHex('colorhash', 42, '3ffffffffff'))).toBe('3ffffffffff');
  });
});

describe('Hamming distance', () => {
  it('is a metric equal to the number of differing bits', () => {
    const next = rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(next() * 300);
      const [a, b, c] = [0, 1, 2].map(() => randomBits(n, next));
      const [ha, hb, hc] = [a!, b!, c!].map((x) => packMsbFirst('t', x) as Hash<'t', number>);
      const naive = a!.reduce((s, v, i) => s + (v !== b![i] ? 1 : 0), 0);
      expect(hamming(ha!, hb!)).toBe(naive);
      expect(hamming(ha!, ha!)).toBe(0);
      expect(hamming(ha!, hb!)).toBe(hamming(hb!, ha!));
      expect(hamming(ha!, hc!)).toBeLessThanOrEqual(hamming(ha!, hb!) + hamming(hb!, hc!));
    }
  });

  it('popcount32 counts bits of any 32-bit word', () => {
    const next = rng(3);
    for (let i = 0; i < 1000; i++) {
      const x = Math.floor(next() * 2 ** 32);
      expect(popcount32(x)).toBe(
        x
          .toString(2)
          .split('')
          .filter((c) => c === '1').length,
      );
    }
    expect(hammingBytes(new Uint8Array([0xff, 0]), new Uint8Array([0, 0]))).toBe(8);
  });

  it('refuses to compare hashes of different algorithms or lengths', () => {
    const a = fromHex('phash', 64, '0'.repeat(16));
    const b = fromHex('dhash', 64, '0'.repeat(16));
    const c = fromHex('phash', 256, '0'.repeat(64));
    expect(() => hamming(a, b as unknown as typeof a)).toThrow(
      /cannot compare a 64-bit phash hash with a 64-bit dhash/,
    );
    expect(() => hamming(a, c as unknown as typeof a)).toThrow(HashError);
  });
});

describe('registry', () => {
  it('builds hashers from specs and rejects unknown ones', () => {
    expect(getHasher('blockhash').nbits).toBe(256);
    expect(getHasher('blockhash:8').nbits).toBe(64);
    expect(() => getHasher('nosuch')).toThrow(/unknown algorithm "nosuch"/);
    expect(() => getHasher('blockhash:x')).toThrow(/positive integer/);
  });
});

describe('blockhash', () => {
  const dir = join(repoRoot, 'test', 'vectors', 'blockhash');
  const expected = readFileSync(join(dir, 'expected.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .filter(([, method]) => method === '2');

  it('equals blockhash-js on its reference images exactly (PNG with alpha, and JPEG)', async () => {
    const hasher = blockhash();
    for (const [file, , hex] of expected) {
      const hash = await hasher.hash(await decodeImage(join(dir, file!)));
      expect(toHex(hash), file).toBe(hex);
    }
  });

  it('equals blockhash-core bit for bit on random images of many sizes, shapes and channel counts', () => {
    const next = rng(11);
    for (let trial = 0; trial < 120; trial++) {
      const bitsPerSide = [4, 8, 16][trial % 3]!;
      const even = trial % 5 === 0;
      const width = even ? bitsPerSide * (1 + Math.floor(next() * 6)) : 1 + Math.floor(next() * 90);
      const height = even ? bitsPerSide * (1 + Math.floor(next() * 6)) : 1 + Math.floor(next() * 90);
      const channels = trial % 2 === 0 ? 3 : 4;
      const data = new Uint8Array(width * height * channels);
      // Smooth content plus noise, and some fully transparent pixels, so medians and ties are exercised.
      for (let i = 0; i < width * height; i++) {
        const x = i % width;
        const base = (x * 255) / width;
        for (let c = 0; c < 3; c++) data[i * channels + c] = next() < 0.3 ? next() * 256 : base;
        if (channels === 4) data[i * channels + 3] = next() < 0.1 ? 0 : 255;
      }
      const rgba = new Uint8Array(width * height * 4);
      for (let i = 0; i < width * height; i++) {
        rgba.set(data.subarray(i * channels, i * channels + 3), 4 * i);
        rgba[4 * i + 3] = channels === 4 ? data[i * channels + 3]! : 255;
      }
      const ours = toHex(blockhash(bitsPerSide).hash({ width, height, channels, data }) as Hash);
      expect(ours, `${width}x${height}x${channels} bits ${bitsPerSide}`).toBe(
        bmvbhash({ width, height, data: rgba }, bitsPerSide),
      );
    }
  });

  it('counts transparent pixels as white, as the reference does', async () => {
    const w = 32;
    const opaque = new Uint8Array(w * w * 4);
    const transparent = new Uint8Array(w * w * 4);
    for (let i = 0; i < w * w; i++) {
      const left = i % w < w / 2;
      opaque.set(left ? [255, 255, 255, 255] : [0, 0, 0, 255], 4 * i);
      transparent.set(left ? [0, 0, 0, 0] : [0, 0, 0, 255], 4 * i);
    }
    const hasher = blockhash();
    const a = await hasher.hash({ width: w, height: w, channels: 4, data: opaque });
    const b = await hasher.hash({ width: w, height: w, channels: 4, data: transparent });
    expect(toHex(a)).toBe(toHex(b));
    expect(toHex(a)).toBe('ff00'.repeat(16));
  });
});
