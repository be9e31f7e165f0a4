import { describe, expect, it } from 'vitest';
import type { Image } from '../src/image/types.js';
import { cropRectangle } from '../src/transform/crop.js';
import { rotatedContentSize } from '../src/transform/rotate.js';
import { createTransform, parseTransform } from '../src/transform/spec.js';
import { gradientRgb } from './helpers/images.js';

const W = 37;
const H = 23;
const rgb: Image = { width: W, height: H, channels: 3, data: gradientRgb(W, H) };

/** An RGBA image whose alpha varies by position, to follow alpha through geometric edits. */
function rgbaImage(): Image {
  const data = new Uint8Array(W * H * 4);
  for (let p = 0; p < W * H; p++) {
    data.set(rgb.data.subarray(3 * p, 3 * p + 3), 4 * p);
    data[4 * p + 3] = (p * 13) & 255;
  }
  return { width: W, height: H, channels: 4, data };
}

function pixel(img: Image, x: number, y: number): number[] {
  const i = (y * img.width + x) * img.channels;
  return Array.from(img.data.subarray(i, i + img.channels));
}

/** Applies `map` from output to input coordinates and checks every output pixel equals its source pixel exactly. */
function expectPermutation(out: Image, src: Image, map: (x: number, y: number) => [number, number]): void {
  let mismatches = 0;
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      const [sx, sy] = map(x, y);
      if (pixel(out, x, y).join() !== pixel(src, sx, sy).join()) mismatches++;
    }
  }
  expect(mismatches).toBe(0);
}

function same(a: Image, b: Image): boolean {
  return (
    a.width === b.width &&
    a.height === b.height &&
    a.channels === b.channels &&
    Buffer.from(a.data).equals(Buffer.from(b.data))
  );
}

async function apply(spec: string, img: Image = rgb, seed = 0): Promise<Image> {
  return parseTransform(spec).apply(img, seed);
}

describe('flip', () => {
  it('mirrors left-right and top-bottom exactly, and twice is the identity (RGB and RGBA)', async () => {
    for (const img of [rgb, rgbaImage()]) {
      const h = await apply('flip(axis=h)', img);
      const v = await apply('flip(axis=v)', img);
      expectPermutation(h, img, (x, y) => [W - 1 - x, y]);
      expectPermutation(v, img, (x, y) => [x, H - 1 - y]);
      expect(same(await apply('flip(axis=h)', h), img)).toBe(true);
      expect(same(await apply('flip(axis=v)', v), img)).toBe(true);
    }
  });
});

describe('rotate', () => {
  it('turns 90° clockwise exactly, and four turns are the identity', async () => {
    const r90 = await apply('rotate(deg=90)');
    expect([r90.width, r90.height]).toEqual([H, W]);
    expectPermutation(r90, rgb, (x, y) => [y, H - 1 - x]);
    let img = rgb;
    for (let i = 0; i < 4; i++) img = await apply('rotate(deg=90)', img);
    expect(same(img, rgb)).toBe(true);
  });

  it('treats 180° as both flips, -90° and 270° alike, and 0° and 360° as the identity', async () => {
    expect(same(await apply('rotate(deg=180)'), await apply('flip(axis=h)+flip(axis=v)'))).toBe(true);
    expect(same(await apply('rotate(deg=-90)'), await apply('rotate(deg=270)'))).toBe(true);
    expect(same(await apply('rotate(deg=0)'), rgb)).toBe(true);
    expect(same(await apply('rotate(deg=360)'), rgb)).toBe(true);
  });

  it('keeps the size in fill mode, with the uncovered corners in the fill colour', async () => {
    const big: Image = { width: 120, height: 80, channels: 3, data: gradientRgb(120, 80) };
    const out = await apply('rotate(deg=10,mode=fill,fill=ff00ff)', big);
    expect([out.width, out.height]).toEqual([120, 80]);
    expect(pixel(out, 0, 0)).toEqual([255, 0, 255]);
    expect(pixel(out, 119, 79)).toEqual([255, 0, 255]);
    expect(pixel(out, 60, 40)).not.toEqual([255, 0, 255]);
  });

  it('grows the canvas in expand mode to the rotated bounding box', async () => {
    const out = await apply('rotate(deg=30,mode=expand)');
    const rad = Math.PI / 6;
    expect(Math.abs(out.width - (W * Math.cos(rad) + H * Math.sin(rad)))).toBeLessThanOrEqual(1.5);
    expect(Math.abs(out.height - (W * Math.sin(rad) + H * Math.cos(rad)))).toBeLessThanOrEqual(1.5);
  });

  it('crops to the largest same-aspect rectangle that holds no fill in crop mode', async () => {
    expect(rotatedContentSize(100, 100, 45)).toEqual({ width: 70, height: 70 }); // 100 / (cos 45° + sin 45°) = 70.7
    expect(rotatedContentSize(100, 50, 0)).toEqual({ width: 100, height: 50 });
    expect(rotatedContentSize(100, 50, 180)).toEqual({ width: 100, height: 50 });
    const big: Image = { width: 120, height: 80, channels: 3, data: new Uint8Array(120 * 80 * 3).fill(200) };
    const out = await apply('rotate(deg=12,mode=crop,fill=000000)', big);
    expect({ width: out.width, height: out.height }).toEqual(rotatedContentSize(120, 80, 12));
    let darkest = 255;
    for (const v of out.data) darkest = Math.min(darkest, v);
    expect(darkest).toBeGreaterThan(150); // edge pixels may blend with the fill a little, never become it
  });
});

describe('crop', () => {
  it('keeps round(frac × side) of each side, at the centre and the corners, pixel for pixel', async () => {
    const w = Math.round(W * 0.7);
    const h = Math.round(H * 0.7);
    const origins: Record<string, [number, number]> = {
      center: [Math.floor((W - w) / 2), Math.floor((H - h) / 2)],
      tl: [0, 0],
      tr: [W - w, 0],
      bl: [0, H - h],
      br: [W - w, H - h],
    };
    for (const [anchor, [left, top]] of Object.entries(origins)) {
      const out = await apply(`crop(frac=0.7,anchor=${anchor})`);
      expect([out.width, out.height]).toEqual([w, h]);
      expectPermutation(out, rgb, (x, y) => [x + left, y + top]);
    }
    expect(same(await apply('crop(frac=1)'), rgb)).toBe(true);
  });

  it('places a random crop by the seed: repeatable, varied across seeds, always inside the image', () => {
    const params = { frac: 0.5, anchor: 'random' as const };
    expect(cropRectangle(W, H, params, 11)).toEqual(cropRectangle(W, H, params, 11));
    const lefts = new Set<number>();
    for (let seed = 0; seed < 50; seed++) {
      const r = cropRectangle(W, H, params, seed);
      expect(r.left >= 0 && r.top >= 0 && r.left + r.width <= W && r.top + r.height <= H).toBe(true);
      lefts.add(r.left);
    }
    expect(lefts.size).toBeGreaterThan(5);
  });
});

describe('pad, resize, stretch', () => {
  it('pads every side by round(frac × dimension) in the border colour, leaving the picture untouched', async () => {
    const out = await apply('pad(frac=0.2,colour=12ab34)');
    const bx = Math.round(W * 0.2);
    const by = Math.round(H * 0.2);
    expect([out.width, out.height]).toEqual([W + 2 * bx, H + 2 * by]);
    for (const [x, y] of [
      [0, 0],
      [out.width - 1, out.height - 1],
      [bx - 1, by + 3],
      [bx + 3, out.height - 1],
    ] as const) {
      expect(pixel(out, x, y)).toEqual([0x12, 0xab, 0x34]);
    }
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x += 5) expect(pixel(out, x + bx, y + by)).toEqual(pixel(rgb, x, y));
  });

  it('pads RGBA with an opaque border', async () => {
    const out = await apply('pad(frac=0.1,colour=ffffff)', rgbaImage());
    expect(out.channels).toBe(4);
    expect(pixel(out, 0, 0)).toEqual([255, 255, 255, 255]);
  });

  it('resizes to round(scale × side), down and up, and back to the original size with restore=true', async () => {
    const down = await apply('resize(scale=0.5)');
    expect([down.width, down.height]).toEqual([Math.round(W / 2), Math.round(H / 2)]);
    const up = await apply('resize(scale=2.5)');
    expect([up.width, up.height]).toEqual([Math.round(W * 2.5), Math.round(H * 2.5)]);
    const restored = await apply('resize(scale=0.3,restore=true)');
    expect([restored.width, restored.height]).toEqual([W, H]);
    expect(same(restored, rgb)).toBe(false);
  });

  it('stretches each side by its own factor', async () => {
    const out = await apply('stretch(x=1.5,y=0.8)');
    expect([out.width, out.height]).toEqual([Math.round(W * 1.5), Math.round(H * 0.8)]);
  });
});

describe('channels', () => {
  it('expands grey input to RGB and keeps alpha through every geometric family', async () => {
    const grey: Image = { width: W, height: H, channels: 1, data: rgb.data.subarray(0, W * H) };
    const fromGrey = await apply('flip(axis=h)', grey);
    expect(fromGrey.channels).toBe(3);
    expect(pixel(fromGrey, W - 1, 0)).toEqual([grey.data[0], grey.data[0], grey.data[0]]);
    for (const spec of ['rotate(deg=90)', 'rotate(deg=7)', 'crop(frac=0.8)', 'resize(scale=0.5)', 'stretch', 'pad']) {
      expect((await apply(spec, rgbaImage())).channels).toBe(4);
      expect((await apply(spec)).channels).toBe(3);
    }
  });

  it('does not modify its input', async () => {
    const img = rgbaImage();
    const before = Buffer.from(img.data);
    for (const spec of [
      'flip',
      'rotate(deg=90)',
      'rotate(deg=5,mode=crop)',
      'crop(anchor=random)',
      'pad',
      'resize',
      'stretch',
    ])
      await apply(spec, img, 3);
    expect(Buffer.from(img.data).equals(before)).toBe(true);
  });
});

describe('createTransform', () => {
  it('builds the same transform as parsing its spec', async () => {
    const a = await createTransform('crop', { frac: 0.6, anchor: 'br' }).apply(rgb, 0);
    const b = await apply('crop(frac=0.6,anchor=br)');
    expect(same(a, b)).toBe(true);
  });
});
