import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pilLuma } from '../src/image/luma.js';
import type { Image } from '../src/image/types.js';
import { meanLuma } from '../src/transform/tone.js';
import { parseTransform } from '../src/transform/spec.js';
import { gradientRgb } from './helpers/images.js';

/** A smooth scene (gradients and a soft-edged disc), the kind of content JPEG compresses well. */
function smoothScene(width: number, height: number): Image {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      const r = Math.hypot(x - width / 3, y - height / 2) / (height / 4);
      const disc = 1 / (1 + Math.exp(4 * (r - 1)));
      data[i] = Math.round(40 + 150 * (x / width) + 60 * disc);
      data[i + 1] = Math.round(60 + 120 * (y / height));
      data[i + 2] = Math.round(180 - 120 * disc);
    }
  }
  return { width, height, channels: 3, data };
}

function psnr(a: Image, b: Image): number {
  expect([b.width, b.height, b.channels]).toEqual([a.width, a.height, a.channels]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += (a.data[i]! - b.data[i]!) ** 2;
  return sum === 0 ? Infinity : 10 * Math.log10((255 * 255) / (sum / a.data.length));
}

function maxAbsDiff(a: Image, b: Image): number {
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

function sameBytes(a: Image, b: Image): boolean {
  return Buffer.from(a.data).equals(Buffer.from(b.data));
}

function constant(width: number, height: number, rgb: readonly number[], alpha?: number): Image {
  const channels = alpha === undefined ? 3 : 4;
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i += channels) {
    data.set(rgb, i);
    if (alpha !== undefined) data[i + 3] = alpha;
  }
  return { width, height, channels, data };
}

const apply = (spec: string, img: Image, seed = 0): Promise<Image> => parseTransform(spec).apply(img, seed);
const scene = smoothScene(96, 64);
const textured: Image = { width: 40, height: 30, channels: 3, data: gradientRgb(40, 30) };

describe('JPEG', () => {
  it('keeps quality 95 close to the original and loses more at quality 10', async () => {
    const q95 = psnr(scene, await apply('jpeg(q=95)', scene));
    const q10 = psnr(scene, await apply('jpeg(q=10)', scene));
    expect(q95).toBeGreaterThan(40);
    expect(q10).toBeLessThan(q95 - 8);
    expect(q10).toBeGreaterThan(20);
  });

  it('gives the bytes a plain sharp encode at that quality decodes to, and drops alpha', async () => {
    const encoded = await sharp(Buffer.from(scene.data), { raw: { width: 96, height: 64, channels: 3 } })
      .jpeg({ quality: 50 })
      .toBuffer();
    const reference = await sharp(encoded).raw().toBuffer();
    expect(Buffer.from((await apply('jpeg(q=50)', scene)).data).equals(reference)).toBe(true);
    const rgba = await apply('jpeg(q=90)', constant(16, 16, [10, 20, 30], 255));
    expect(rgba.channels).toBe(3);
  });
});

describe('tone curves', () => {
  it('leaves the image exactly unchanged at gamma 1, brightness 1 and contrast 1', async () => {
    for (const spec of ['gamma(g=1)', 'brightness(factor=1)', 'contrast(factor=1)'])
      expect(sameBytes(await apply(spec, textured), textured)).toBe(true);
  });

  it('maps values by 255 (v/255)^g for gamma', async () => {
    const out = await apply('gamma(g=2)', constant(4, 4, [128, 255, 0]));
    expect(Array.from(out.data.subarray(0, 3))).toEqual([64, 255, 0]); // 255 · (128/255)² = 64.25
    const light = await apply('gamma(g=0.5)', constant(4, 4, [64, 10, 200]));
    expect(Array.from(light.data.subarray(0, 3))).toEqual([128, 50, 226]); // √(64·255) = 127.75, √(10·255) = 50.498, √(200·255) = 225.83
  });

  it('scales by the factor for brightness, saturating at 255', async () => {
    const out = await apply('brightness(factor=1.5)', constant(2, 2, [100, 200, 3]));
    expect(Array.from(out.data.subarray(0, 3))).toEqual([150, 255, 5]); // 4.5 rounds half up
    const dark = await apply('brightness(factor=0)', textured);
    expect(dark.data.every((v) => v === 0)).toBe(true);
  });

  it('pulls values towards the mean luminance for contrast, flat at factor 0', async () => {
    const mean = meanLuma(textured);
    const luma = pilLuma(textured).data;
    expect(mean).toBe(Math.round(luma.reduce((s, v) => s + v, 0) / luma.length));
    const flat = await apply('contrast(factor=0)', textured);
    expect(flat.data.every((v) => v === mean)).toBe(true);
    const half = await apply('contrast(factor=0.5)', constant(2, 2, [200, 100, 0]));
    // mean luma of (200, 100, 0) is (19595·200 + 38470·100 + 0x8000) >> 16 = 118
    expect(Array.from(half.data.subarray(0, 3))).toEqual([159, 109, 59]);
  });

  it('keeps alpha untouched', async () => {
    const img = constant(3, 3, [100, 100, 100], 77);
    for (const spec of [
      'gamma(g=3)',
      'brightness(factor=2)',
      'contrast(factor=2)',
      'noise(sigma=30)',
      'vignette(strength=1)',
      'greyscale',
    ]) {
      const out = await apply(spec, img, 1);
      expect(out.channels).toBe(4);
      for (let i = 3; i < out.data.length; i += 4) expect(out.data[i]).toBe(77);
    }
  });
});

describe('greyscale and hue', () => {
  it('gives R = G = B equal to the Rec. 601 luma of each pixel', async () => {
    const out = await apply('greyscale', textured);
    const luma = pilLuma(textured).data;
    expect(out.channels).toBe(3);
    for (let p = 0; p < luma.length; p++) {
      expect([out.data[3 * p], out.data[3 * p + 1], out.data[3 * p + 2]]).toEqual([luma[p], luma[p], luma[p]]);
    }
  });

  it('rotates hue: grey stays grey, a red turns towards yellow/green for +deg, 0° is the identity', async () => {
    const grey = constant(8, 8, [128, 128, 128]);
    expect(maxAbsDiff(await apply('hue(deg=90)', grey), grey)).toBeLessThanOrEqual(1);
    const red = constant(8, 8, [200, 30, 30]);
    const shifted = await apply('hue(deg=60)', red);
    expect(shifted.data[1]!).toBeGreaterThan(80);
    expect(shifted.data[1]!).toBeGreaterThan(shifted.data[2]!);
    expect(sameBytes(await apply('hue(deg=0)', textured), textured)).toBe(true);
  });
});

describe('blur, noise and vignette', () => {
  it('blurs: a constant image stays constant and an edge spreads', async () => {
    const flat = constant(32, 32, [90, 140, 200]);
    expect(sameBytes(await apply('blur(sigma=2)', flat), flat)).toBe(true);
    const edge = constant(32, 8, [0, 0, 0]);
    for (let y = 0; y < 8; y++)
      for (let x = 16; x < 32; x++) edge.data.fill(255, 3 * (y * 32 + x), 3 * (y * 32 + x) + 3);
    const out = await apply('blur(sigma=2)', edge);
    const row = Array.from({ length: 32 }, (_, x) => out.data[3 * (4 * 32 + x)]!);
    expect(row[15]!).toBeGreaterThan(60);
    expect(row[16]!).toBeLessThan(200);
    expect(row[10]!).toBeLessThan(row[14]!);
  });

  it('adds zero-mean noise of the requested standard deviation, the same for the same seed, different for another', async () => {
    const grey = constant(128, 128, [128, 128, 128]);
    const a = await apply('noise(sigma=10)', grey, 1);
    const b = await apply('noise(sigma=10)', grey, 1);
    const c = await apply('noise(sigma=10)', grey, 2);
    expect(sameBytes(a, b)).toBe(true);
    expect(sameBytes(a, c)).toBe(false);
    let sum = 0;
    let sq = 0;
    for (const v of a.data) {
      sum += v - 128;
      sq += (v - 128) ** 2;
    }
    const n = a.data.length;
    expect(Math.abs(sum / n)).toBeLessThan(0.15); // standard error 10/√49152 = 0.045
    expect(Math.abs(Math.sqrt(sq / n - (sum / n) ** 2) - Math.sqrt(100 + 1 / 12))).toBeLessThan(0.2); // rounding adds 1/12
    expect(sameBytes(await apply('noise(sigma=0)', textured, 3), textured)).toBe(true);
  });

  it('darkens by 1 − strength at the corners, not at all at the centre', async () => {
    const img = constant(33, 21, [200, 100, 50]);
    const out = await apply('vignette(strength=0.5)', img);
    const at = (x: number, y: number): number[] =>
      Array.from(out.data.subarray(3 * (y * 33 + x), 3 * (y * 33 + x) + 3));
    expect(at(16, 10)).toEqual([200, 100, 50]);
    expect(at(0, 0)).toEqual([100, 50, 25]);
    expect(at(32, 20)).toEqual([100, 50, 25]);
    expect(at(16, 0)[0]!).toBeGreaterThan(100);
    expect(sameBytes(await apply('vignette(strength=0)', textured), textured)).toBe(true);
  });
});
