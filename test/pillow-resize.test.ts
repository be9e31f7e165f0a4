// Pillow resize port: every filter and several sizes against pixels Pillow 9.4.0 produced (test/vectors/pillow-resize).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../src/image/decode.js';
import { pilLuma } from '../src/image/luma.js';
import { pillowResize, resampleCoefficients, type PillowFilter } from '../src/image/pillow-resize.js';
import { decodePnm } from '../src/image/pnm.js';
import type { GreyImage } from '../src/image/types.js';
import { repoRoot } from './helpers/images.js';

const vectorDir = join(repoRoot, 'test', 'vectors', 'pillow-resize');

interface ResizeCase {
  readonly source: string;
  readonly filter: PillowFilter;
  readonly width: number;
  readonly height: number;
  readonly expected: string;
}

function readCases(): ResizeCase[] {
  const [header, ...lines] = readFileSync(join(vectorDir, 'manifest.csv'), 'utf8').trim().split('\n');
  expect(header).toBe('root,source,filter,width,height,expected');
  return lines.map((line) => {
    const [, source, filter, width, height, expected] = line.split(',');
    return {
      source: source!,
      filter: filter as PillowFilter,
      width: Number(width),
      height: Number(height),
      expected: expected!,
    };
  });
}

function readPgm(path: string): GreyImage {
  const img = decodePnm(readFileSync(path), 1e8);
  expect(img.channels).toBe(1);
  return img as GreyImage;
}

/** The source as Pillow saw it after `convert("L")`: PGM inputs as stored, JPEG inputs decoded then PIL luma. */
async function loadSource(c: ResizeCase): Promise<GreyImage> {
  const path = resolve(repoRoot, c.source);
  return c.source.endsWith('.pgm') ? readPgm(path) : pilLuma(await decodeImage(path));
}

function countDifferences(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d;
}

describe('pillowResize against Pillow', () => {
  const cases = readCases();

  it('covers every filter, upscaling and downscaling', () => {
    expect(new Set(cases.map((c) => c.filter))).toEqual(
      new Set(['nearest', 'box', 'bilinear', 'hamming', 'bicubic', 'lanczos']),
    );
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  it('gives exactly Pillow’s pixels for every case', async () => {
    const sources = new Map<string, Promise<GreyImage>>();
    const failures: string[] = [];
    for (const c of cases) {
      if (!sources.has(c.source)) sources.set(c.source, loadSource(c));
      const src = await sources.get(c.source)!;
      const expected = readPgm(join(vectorDir, c.expected));
      const got = pillowResize(src, c.width, c.height, c.filter);
      expect([got.width, got.height, got.channels]).toEqual([expected.width, expected.height, 1]);
      const diff = countDifferences(got.data, expected.data);
      if (diff) failures.push(`${c.expected}: ${diff} pixels differ`);
    }
    expect(failures).toEqual([]);
  });
});

describe('pillowResize properties', () => {
  const filters: PillowFilter[] = ['nearest', 'box', 'bilinear', 'hamming', 'bicubic', 'lanczos'];

  it('keeps a flat image flat with every filter, up and down', () => {
    for (const value of [0, 1, 128, 254, 255]) {
      const flat: GreyImage = { width: 37, height: 23, channels: 1, data: new Uint8Array(37 * 23).fill(value) };
      for (const filter of filters) {
        for (const [w, h] of [
          [8, 8],
          [100, 7],
          [1, 1],
          [37, 50],
        ] as const) {
          const out = pillowResize(flat, w, h, filter);
          expect(
            out.data.every((v) => v === value),
            `${filter} ${w}x${h} of ${value}`,
          ).toBe(true);
        }
      }
    }
  });

  it('returns a copy when the size is unchanged', () => {
    const img: GreyImage = { width: 3, height: 2, channels: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    const out = pillowResize(img, 3, 2);
    expect(Array.from(out.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.data).not.toBe(img.data);
  });

  it('normalises each window to 1.0 in 22-bit fixed point, within rounding', () => {
    for (const [inSize, outSize] of [
      [1600, 32],
      [33, 9],
      [5, 64],
      [256, 256 - 1],
    ]) {
      const c = resampleCoefficients('lanczos', inSize!, outSize!);
      for (let i = 0; i < outSize!; i++) {
        let sum = 0;
        for (let x = 0; x < c.count[i]!; x++) sum += c.weights[i * c.ksize + x]!;
        expect(Math.abs(sum - (1 << 22))).toBeLessThanOrEqual(c.count[i]!);
        expect(c.first[i]! + c.count[i]!).toBeLessThanOrEqual(inSize!);
      }
    }
    expect(resampleCoefficients('lanczos', 1600, 32)).toBe(resampleCoefficients('lanczos', 1600, 32));
  });

  it('rejects bad sizes and colour input', () => {
    const img: GreyImage = { width: 2, height: 2, channels: 1, data: new Uint8Array(4) };
    expect(() => pillowResize(img, 0, 3)).toThrow(RangeError);
    expect(() => pillowResize(img, 2.5, 3)).toThrow(RangeError);
    expect(() =>
      pillowResize({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) } as unknown as GreyImage, 2, 2),
    ).toThrow(/single-channel/);
  });
});
