import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Image } from '../src/image/types.js';
import { DEFAULT_TRANSFORMS } from '../src/transform/defaults.js';
import { listTransformFamilies } from '../src/transform/registry.js';
import { createTransform, parseTransform } from '../src/transform/spec.js';
import { gradientRgb } from './helpers/images.js';
import { optionalToolAsync, titled } from './helpers/optional.js';

const W = 96;
const H = 64;
const image: Image = { width: W, height: H, channels: 3, data: gradientRgb(W, H) };

function sameBytes(a: Image, b: Image): boolean {
  return (
    a.width === b.width &&
    a.height === b.height &&
    a.channels === b.channels &&
    Buffer.from(a.data).equals(Buffer.from(b.data))
  );
}

function isValidImage(img: Image): boolean {
  return (
    img.width > 0 &&
    img.height > 0 &&
    (img.channels === 3 || img.channels === 4) &&
    img.data.length === img.width * img.height * img.channels
  );
}

/** Pixels (as indices) where two same-sized images differ. */
function changedPixels(a: Image, b: Image): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let p = 0; p < a.width * a.height; p++) {
    for (let c = 0; c < a.channels; c++) {
      if (a.data[p * a.channels + c] !== b.data[p * b.channels + c]) {
        out.push({ x: p % a.width, y: Math.floor(p / a.width) });
        break;
      }
    }
  }
  return out;
}

/** Text watermarks need a font that libvips can render; a machine without fonts skips that test, saying so. */
const fonts = await optionalToolAsync('fonts', async () => {
  const { data } = await sharp({ text: { text: 'x', font: 'sans bold', width: 40, height: 40, rgba: true } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) return null;
  return 'libvips rendered no visible pixel for text: install a font (e.g. Debian fonts-dejavu-core)';
});

describe('every default transform', () => {
  it.each(DEFAULT_TRANSFORMS.map((t) => [t.spec, t] as const))(
    '%s: valid output, same bytes for the same seed, input untouched',
    async (_spec, t) => {
      const before = Buffer.from(image.data);
      const a = await t.apply(image, 1234);
      const b = await t.apply(image, 1234);
      expect(isValidImage(a)).toBe(true);
      expect(sameBytes(a, b)).toBe(true);
      expect(Buffer.from(image.data).equals(before)).toBe(true);
      expect(sameBytes(a, image)).toBe(false);
    },
  );

  it('leaves input held in a Node Buffer untouched too (Buffer.slice shares memory)', async () => {
    const held: Image = { ...image, data: Buffer.from(image.data) };
    for (const t of DEFAULT_TRANSFORMS) await t.apply(held, 9);
    expect(Buffer.from(held.data).equals(Buffer.from(image.data))).toBe(true);
  });

  it('draws different output from different seeds exactly for the seeded edits', async () => {
    const seeded = new Set(['noise(sigma=10)', 'crop(frac=0.8,anchor=random)']);
    for (const t of DEFAULT_TRANSFORMS) {
      const a = await t.apply(image, 1);
      const b = await t.apply(image, 2);
      expect({ spec: t.spec, differs: !sameBytes(a, b) }).toEqual({ spec: t.spec, differs: seeded.has(t.spec) });
    }
  });

  it('applies to every family at its defaults on RGB, RGBA and grey input', async () => {
    const rgba: Image = { width: 20, height: 12, channels: 4, data: new Uint8Array(20 * 12 * 4).fill(150) };
    const grey: Image = { width: 20, height: 12, channels: 1, data: new Uint8Array(20 * 12).fill(90) };
    for (const family of listTransformFamilies()) {
      const t = createTransform(family.name, family.name === 'watermark' ? { kind: 'logo' } : {});
      const fromRgba = await t.apply(rgba, 0);
      const fromGrey = await t.apply(grey, 0);
      expect(isValidImage(fromRgba) && isValidImage(fromGrey)).toBe(true);
      expect(fromGrey.channels).toBe(3);
      expect(fromRgba.channels).toBe(family.name === 'jpeg' || family.name === 'screenshot' ? 3 : 4);
    }
  });
});

describe('watermark', () => {
  const flat: Image = { width: 200, height: 100, channels: 3, data: new Uint8Array(200 * 100 * 3).fill(40) };

  it('changes only the mark box in the chosen corner, sized by the size fraction', async () => {
    const out = await parseTransform('watermark(kind=logo,size=0.3,opacity=1,pos=br)').apply(flat, 0);
    const changed = changedPixels(flat, out);
    expect(changed.length).toBeGreaterThan(200);
    const xs = changed.map((p) => p.x);
    const ys = changed.map((p) => p.y);
    const margin = 3; // 3% of the shorter side
    expect(Math.max(...xs)).toBeLessThanOrEqual(200 - margin - 1);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(200 - margin - 60);
    expect(Math.max(...ys)).toBeLessThanOrEqual(100 - margin - 1);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(100 - margin - 24);
    const tl = changedPixels(
      flat,
      await parseTransform('watermark(kind=logo,size=0.3,opacity=1,pos=tl)').apply(flat, 0),
    );
    expect(Math.min(...tl.map((p) => p.x))).toBeGreaterThanOrEqual(margin);
    expect(Math.max(...tl.map((p) => p.x))).toBeLessThan(margin + 60);
  });

  it('blends by opacity: 0 leaves the image unchanged, 0.5 lands half way to the mark colour', async () => {
    expect(sameBytes(await parseTransform('watermark(opacity=0)').apply(flat, 0), flat)).toBe(true);
    const full = await parseTransform('watermark(opacity=1,colour=ffffff)').apply(flat, 0);
    const half = await parseTransform('watermark(opacity=0.5,colour=ffffff)').apply(flat, 0);
    const solid = changedPixels(flat, full).filter((p) => full.data[3 * (p.y * 200 + p.x)] === 255);
    expect(solid.length).toBeGreaterThan(50);
    for (const p of solid.slice(0, 50))
      expect(Math.abs(half.data[3 * (p.y * 200 + p.x)]! - (40 + 255) / 2)).toBeLessThanOrEqual(1.5);
  });

  it('places a random mark by the seed', async () => {
    const t = parseTransform('watermark(pos=random,opacity=1)');
    const firstChange = async (seed: number): Promise<string> =>
      JSON.stringify(changedPixels(flat, await t.apply(flat, seed))[0]);
    expect(await firstChange(5)).toBe(await firstChange(5));
    const spots = new Set(await Promise.all([1, 2, 3, 4, 6, 7].map(firstChange)));
    expect(spots.size).toBeGreaterThan(3);
  });

  it('fits the mark inside small images', async () => {
    const tiny: Image = { width: 9, height: 5, channels: 3, data: new Uint8Array(9 * 5 * 3) };
    const before = tiny.data.slice();
    const out = await parseTransform('watermark(size=1,opacity=1)').apply(tiny, 0);
    expect([out.width, out.height, out.channels]).toEqual([9, 5, 3]);
    // The mark is drawn (scaled down to fit), not dropped, and the input is left as it was.
    const changed = changedPixels(tiny, out);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((p) => p.x < 9 && p.y < 5)).toBe(true);
    expect(sameBytes(tiny, { ...tiny, data: before })).toBe(true);
  });

  it.skipIf(!fonts.available)(titled('draws text with the installed fonts when kind=text', fonts), async () => {
    const out = await parseTransform('watermark(kind=text,text=scanlab,size=0.5,opacity=1,pos=center)').apply(flat, 0);
    const changed = changedPixels(flat, out);
    expect(changed.length).toBeGreaterThan(100);
    expect(Math.min(...changed.map((p) => p.x))).toBeGreaterThanOrEqual(50);
    expect(Math.max(...changed.map((p) => p.x))).toBeLessThan(150);
  });
});

describe('screenshot', () => {
  it('equals the chain resize + pad + jpeg with its parameters', async () => {
    const named = await parseTransform('screenshot(scale=0.6,border=0.1,colour=ffffff,q=70)').apply(image, 0);
    const chain = await parseTransform('resize(scale=0.6)+pad(frac=0.1,colour=ffffff)+jpeg(q=70)').apply(image, 0);
    expect(sameBytes(named, chain)).toBe(true);
    const w = Math.round(W * 0.6);
    const h = Math.round(H * 0.6);
    expect([named.width, named.height]).toEqual([w + 2 * Math.round(w * 0.1), h + 2 * Math.round(h * 0.1)]);
  });
});
