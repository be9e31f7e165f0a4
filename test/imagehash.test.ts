// Known answers for ahash, dhash, phash, whash and colorhash against Python imagehash 4.3.2 (Pillow 9.4.0,
// numpy 1.24.2, scipy 1.10.1, pywt 1.1.1): synthetic edge cases, the PDQ photos and the bundled sample set
// (test/vectors/imagehash).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/hash/bits.js';
import { hamming } from '../src/hash/hamming.js';
import { getHasher } from '../src/hash/registry.js';
import { decodeImage } from '../src/image/decode.js';
import type { Image } from '../src/image/types.js';
import { repoRoot } from './helpers/images.js';

const vectorDir = join(repoRoot, 'test', 'vectors', 'imagehash');

/** Rows of a vectors CSV grouped by file: file → [algo, expected hex][]. */
function readVectors(name: string): Map<string, [string, string][]> {
  const [header, ...lines] = readFileSync(join(vectorDir, name), 'utf8').trim().split('\n');
  expect(header).toBe('file,algo,hash');
  const byFile = new Map<string, [string, string][]>();
  for (const line of lines) {
    const [file, algo, hash] = line.split(',');
    if (!byFile.has(file!)) byFile.set(file!, []);
    byFile.get(file!)!.push([algo!, hash!]);
  }
  return byFile;
}

async function hasIccProfile(path: string): Promise<boolean> {
  return (await sharp(path).metadata()).icc !== undefined;
}

/** Hashes every (algo, expected) pair of one image; returns "algo: got ≠ expected" for each mismatch. */
async function mismatches(image: Image, expected: [string, string][]): Promise<string[]> {
  const out: string[] = [];
  for (const [algo, hex] of expected) {
    const got = toHex(await getHasher(algo).hash(image));
    if (got !== hex) out.push(`${algo}: ${got} != ${hex}`);
  }
  return out;
}

/**
 * Inputs whose pixels PIL and scanlab's decoder legitimately disagree on, so the hashes cannot match:
 * PIL opens a 16-bit grey PNG as mode "I" and convert("L") clips values above 255, while decodeImage scales to 8 bits.
 */
const DECODE_DIFFERS = new Set(['test/vectors/imagehash/images/grey16-40x30.png']);

describe('imagehash known answers: synthetic edge cases (lossless PNG, PNM)', () => {
  const vectors = readVectors('synthetic.csv');

  it('covers tiny, odd-sized, grey, palette, transparent, bilevel, 16-bit, flat and symmetric inputs', () => {
    const names = [...vectors.keys()].join(' ');
    for (const part of [
      'tiny-1x1',
      'tiny-3x5',
      'odd-13x7',
      'grey-45x30',
      'palette-trns',
      'rgba-',
      'la-',
      'grey16',
      'flat-grey',
      'bilevel',
      'checker',
      'mirror',
      '.pgm',
      '.ppm',
    ]) {
      expect(names).toContain(part);
    }
    expect(new Set([...vectors.values()].flatMap((rows) => rows.map(([a]) => a)))).toEqual(
      new Set([
        'ahash',
        'ahash:16',
        'dhash',
        'dhash:16',
        'phash',
        'phash:16',
        'phash:5',
        'phash:7',
        'phash:12',
        'whash',
        'whash:16',
        'colorhash',
        'colorhash:5',
      ]),
    );
  });

  it('matches imagehash exactly on every file decodeImage reads as PIL does', async () => {
    const failures: string[] = [];
    for (const [file, expected] of vectors) {
      if (DECODE_DIFFERS.has(file)) continue;
      const image = await decodeImage(resolve(repoRoot, file));
      for (const m of await mismatches(image, expected)) failures.push(`${file} ${m}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('imagehash known answers: PDQ test photos (JPEG and PNG)', () => {
  const vectors = readVectors('pdq-images.csv');

  interface Result {
    readonly file: string;
    readonly iccTagged: boolean;
    /** Mismatches when hashing decodeImage's default pixels (embedded ICC profiles ignored, as PIL ignores them). */
    readonly mismatches: string[];
    /** Hamming distance per algo when the embedded ICC profile is applied (decodeImage's applyIccProfile). */
    readonly managedDistances: Map<string, number>;
  }
  let results: Result[] = [];

  beforeAll(async () => {
    results = [];
    for (const [file, expected] of vectors) {
      const path = resolve(repoRoot, 'test', file);
      const iccTagged = await hasIccProfile(path);
      const managed = iccTagged ? await decodeImage(path, { applyIccProfile: true }) : undefined;
      const managedDistances = new Map<string, number>();
      for (const [algo, hex] of expected) {
        const want = fromHex(algo, getHasher(algo).nbits, hex);
        managedDistances.set(algo, managed ? hamming(await getHasher(algo).hash(managed), want) : 0);
      }
      results.push({
        file,
        iccTagged,
        mismatches: await mismatches(await decodeImage(path), expected),
        managedDistances,
      });
    }
  });

  it('matches imagehash exactly on every photo', () => {
    expect(results.length).toBe(31);
    expect(results.flatMap((r) => r.mismatches.map((m) => `${r.file} ${m}`))).toEqual([]);
  });

  it('stays within the agreed distances when embedded ICC profiles are applied, which PIL never does', () => {
    expect(results.filter((r) => r.iccTagged).map((r) => r.file.split('/').pop())).toEqual([
      'c.png',
      'small.jpg',
      'wee.jpg',
      'pen-and-coaster.png',
    ]);
    for (const algo of ['ahash', 'dhash', 'phash', 'whash', 'colorhash']) {
      const ds = results.map((r) => r.managedDistances.get(algo)!);
      const mean = ds.reduce((a, b) => a + b, 0) / ds.length;
      const identical = ds.filter((d) => d === 0).length / ds.length;
      if (algo === 'whash' || algo === 'colorhash') expect(mean, algo).toBeLessThanOrEqual(2);
      else {
        expect(mean, algo).toBeLessThanOrEqual(1);
        expect(identical, algo).toBeGreaterThanOrEqual(0.75);
      }
    }
  });
});

describe('imagehash known answers: bundled sample set (datasets/sample)', () => {
  const vectors = readVectors('sample.csv');
  const DEFAULTS = new Set(['ahash', 'dhash', 'phash', 'whash', 'colorhash']);

  it('matches imagehash exactly on every image (default sizes; all 13 variants on every 10th image)', async () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'datasets', 'sample', 'manifest.json'), 'utf8')) as {
      items: { file: string }[];
    };
    expect(new Set(vectors.keys())).toEqual(new Set(manifest.items.map((i) => `datasets/sample/${i.file}`)));
    const failures: string[] = [];
    let index = 0;
    for (const [file, expected] of vectors) {
      const image = await decodeImage(resolve(repoRoot, file));
      const chosen = index++ % 10 === 0 ? expected : expected.filter(([algo]) => DEFAULTS.has(algo));
      for (const m of await mismatches(image, chosen)) failures.push(`${file} ${m}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('imagehash hashers: behaviour', () => {
  it('reuse one luminance conversion across hashers and give the same hash twice', async () => {
    const image = await decodeImage(join(vectorDir, 'images', 'odd-37x101.png'));
    for (const algo of ['ahash', 'dhash', 'phash', 'whash', 'colorhash']) {
      const h = getHasher(algo);
      expect(toHex(await h.hash(image))).toBe(toHex(await h.hash(image)));
    }
  });

  it('ignores alpha, as PIL’s convert("L") and convert("HSV") do', async () => {
    const base = await decodeImage(join(vectorDir, 'images', 'rgba-50x35.png'));
    expect(base.channels).toBe(4);
    const opaque = Uint8Array.from(base.data);
    for (let i = 3; i < opaque.length; i += 4) opaque[i] = 255;
    for (const algo of ['ahash', 'dhash', 'phash', 'whash', 'colorhash']) {
      const h = getHasher(algo);
      expect(toHex(await h.hash({ ...base, data: opaque }))).toBe(toHex(await h.hash(base)));
    }
  });
});
