// Low-resolution pictures for inversion studies: an image's own area-averaged RGB thumbnail, its luma, and the
// geometric edits (quarter turns, flips, crops) that enlarge a learned inverse's training set.
import type { Image } from '../image/types.js';

/** The side of every thumbnail and reconstruction compared in the inversion study. */
export const THUMB_SIDE = 32;

/** A square picture of floats in 0–255: `channels` 1 (luma) or 3 (RGB), row-major, channels interleaved. */
export interface Picture {
  readonly side: number;
  readonly channels: 1 | 3;
  readonly data: Float64Array;
}

/** The image as RGB bytes (grey expanded; alpha dropped, callers flatten it first). */
function rgbAt(image: Image, pixel: number): [number, number, number] {
  const c = image.channels;
  const p = pixel * c;
  const r = image.data[p] ?? 0;
  return c < 3 ? [r, r, r] : [r, image.data[p + 1] ?? 0, image.data[p + 2] ?? 0];
}

/** Area-averaged (box) RGB thumbnail of `side` × `side`, each output cell the mean of the pixels it covers. */
export function rgbThumbnail(image: Image, side = THUMB_SIDE): Picture {
  const sums = new Float64Array(side * side * 3);
  const counts = new Float64Array(side * side);
  for (let y = 0; y < image.height; y++) {
    const ty = Math.min(side - 1, Math.floor((y * side) / image.height));
    for (let x = 0; x < image.width; x++) {
      const tx = Math.min(side - 1, Math.floor((x * side) / image.width));
      const cell = ty * side + tx;
      const [r, g, b] = rgbAt(image, y * image.width + x);
      sums[cell * 3] = (sums[cell * 3] ?? 0) + r;
      sums[cell * 3 + 1] = (sums[cell * 3 + 1] ?? 0) + g;
      sums[cell * 3 + 2] = (sums[cell * 3 + 2] ?? 0) + b;
      counts[cell] = (counts[cell] ?? 0) + 1;
    }
  }
  const data = sums.map((s, i) => s / Math.max(1, counts[Math.floor(i / 3)] ?? 1));
  return { side, channels: 3, data };
}

/** ITU-R 601 luma of an RGB picture (a luma picture is returned as is). */
export function lumaOf(p: Picture): Picture {
  if (p.channels === 1) return p;
  const data = new Float64Array(p.side * p.side);
  for (let i = 0; i < data.length; i++)
    data[i] = 0.299 * (p.data[3 * i] ?? 0) + 0.587 * (p.data[3 * i + 1] ?? 0) + 0.114 * (p.data[3 * i + 2] ?? 0);
  return { side: p.side, channels: 1, data };
}

/** Bilinear resampling of a single-channel `from` × `from` grid to `to` × `to` (pixel centres aligned). */
export function resampleGrid(grid: ArrayLike<number>, from: number, to: number): Float64Array {
  const out = new Float64Array(to * to);
  const coord = (i: number): [number, number, number] => {
    const s = Math.min(from - 1, Math.max(0, ((i + 0.5) * from) / to - 0.5));
    const i0 = Math.floor(s);
    const i1 = Math.min(from - 1, i0 + 1);
    return [i0, i1, s - i0];
  };
  for (let y = 0; y < to; y++) {
    const [y0, y1, fy] = coord(y);
    for (let x = 0; x < to; x++) {
      const [x0, x1, fx] = coord(x);
      const at = (yy: number, xx: number): number => grid[yy * from + xx] ?? 0;
      const top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
      const bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
      out[y * to + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** The picture as an 8-bit image of `size` × `size` (nearest-neighbour enlargement), values clamped to 0–255. */
export function pictureToImage(p: Picture, size = p.side): Image {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const sy = Math.floor((y * p.side) / size);
    for (let x = 0; x < size; x++) {
      const sx = Math.floor((x * p.side) / size);
      const cell = sy * p.side + sx;
      for (let c = 0; c < 3; c++) {
        const v = p.channels === 1 ? p.data[cell] : p.data[cell * 3 + c];
        data[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v ?? 0)));
      }
    }
  }
  return { width: size, height: size, channels: 3, data };
}

/** The picture as a smooth 8-bit image of `size` × `size` (bilinear per channel), for hashing a reconstruction. */
export function pictureToSmoothImage(p: Picture, size: number): Image {
  const planes = Array.from({ length: p.channels }, (_, c) =>
    resampleGrid(
      Float64Array.from({ length: p.side * p.side }, (_, i) => p.data[i * p.channels + c] ?? 0),
      p.side,
      size,
    ),
  );
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++)
    for (let c = 0; c < 3; c++) {
      const v = (planes[p.channels === 1 ? 0 : c] ?? planes[0])?.[i] ?? 0;
      data[i * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
    }
  return { width: size, height: size, channels: 3, data };
}

/** A geometric edit used for training-set augmentation. */
export type Augmentation =
  | { readonly kind: 'dihedral'; readonly turns: 0 | 1 | 2 | 3; readonly mirror: boolean }
  | { readonly kind: 'crop'; readonly left: number; readonly top: number; readonly fraction: number };

/** Applies an augmentation to an image (channels kept). */
export function augmentImage(image: Image, a: Augmentation): Image {
  const { width: w, height: h, channels: c } = image;
  if (a.kind === 'crop') {
    const cw = Math.max(1, Math.round(w * a.fraction));
    const ch = Math.max(1, Math.round(h * a.fraction));
    const x0 = Math.round((w - cw) * a.left);
    const y0 = Math.round((h - ch) * a.top);
    const data = new Uint8Array(cw * ch * c);
    for (let y = 0; y < ch; y++)
      data.set(image.data.subarray(((y0 + y) * w + x0) * c, ((y0 + y) * w + x0 + cw) * c), y * cw * c);
    return { width: cw, height: ch, channels: c, data };
  }
  const swap = a.turns % 2 === 1;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const data = new Uint8Array(ow * oh * c);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const mx = a.mirror ? ow - 1 - x : x;
      // Source coordinates of output (mx, y) under `turns` clockwise quarter turns.
      let sx = mx;
      let sy = y;
      if (a.turns === 1) [sx, sy] = [y, h - 1 - mx];
      else if (a.turns === 2) [sx, sy] = [w - 1 - mx, h - 1 - y];
      else if (a.turns === 3) [sx, sy] = [w - 1 - y, mx];
      const src = (sy * w + sx) * c;
      data.set(image.data.subarray(src, src + c), (y * ow + x) * c);
    }
  }
  return { width: ow, height: oh, channels: c, data };
}

/** Shrinks an image by area averaging so that its longer side is at most `maxSide` (unchanged when already small). */
export function shrinkImage(image: Image, maxSide: number): Image {
  const scale = maxSide / Math.max(image.width, image.height);
  if (scale >= 1) return image;
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const c = image.channels;
  const sums = new Float64Array(w * h * c);
  const counts = new Float64Array(w * h);
  for (let y = 0; y < image.height; y++) {
    const ty = Math.min(h - 1, Math.floor((y * h) / image.height));
    for (let x = 0; x < image.width; x++) {
      const cell = ty * w + Math.min(w - 1, Math.floor((x * w) / image.width));
      counts[cell] = (counts[cell] ?? 0) + 1;
      for (let k = 0; k < c; k++)
        sums[cell * c + k] = (sums[cell * c + k] ?? 0) + (image.data[(y * image.width + x) * c + k] ?? 0);
    }
  }
  const data = Uint8Array.from(sums, (s, i) => Math.round(s / Math.max(1, counts[Math.floor(i / c)] ?? 1)));
  return { width: w, height: h, channels: c, data };
}
