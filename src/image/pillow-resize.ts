// Pillow's `Image.resize` for 8-bit single-channel ("L") images, reproduced bit for bit.
//
// Follows Pillow's src/libImaging/Resample.c (identical for 8-bit images from 9.4.0, Debian bookworm's python3-pil,
// to 12.x): per output pixel a filter window of `support × max(1, in/out)` source pixels, weights normalised to sum 1
// and rounded to 22-bit fixed point (PRECISION_BITS = 32 - 8 - 2); a horizontal pass over only the source rows the
// vertical pass reads, rounded and clipped to 8 bits, then a vertical pass. NEAREST follows _imaging.c's `_resize`
// (an affine scale, ImagingScaleAffine in Geometry.c). Same-size requests return a copy, as `Image.resize` does.
import { wasmResample, wasmVerticalPass } from './pillow-resample-wasm.js';
import type { GreyImage, Image } from './types.js';

/** Pillow's resampling filters (`Image.Resampling`). `lanczos` is imagehash's ANTIALIAS. */
export type PillowFilter = 'nearest' | 'box' | 'bilinear' | 'hamming' | 'bicubic' | 'lanczos';

interface Kernel {
  readonly support: number;
  readonly weight: (x: number) => number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const t = x * Math.PI;
  return Math.sin(t) / t;
}

const KERNELS: Readonly<Record<Exclude<PillowFilter, 'nearest'>, Kernel>> = {
  box: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x);
      return a < 1 ? 1 - a : 0;
    },
  },
  hamming: {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x);
      if (a === 0) return 1;
      if (a >= 1) return 0;
      const t = a * Math.PI;
      // Pillow writes the constants as C floats: 0.54f and 0.46f.
      return (Math.sin(t) / t) * (Math.fround(0.54) + Math.fround(0.46) * Math.cos(t));
    },
  },
  bicubic: {
    support: 2,
    weight: (x) => {
      const a = Math.abs(x);
      const A = -0.5;
      if (a < 1) return ((A + 2) * a - (A + 3)) * a * a + 1;
      if (a < 2) return (((a - 5) * a + 8) * a - 4) * A;
      return 0;
    },
  },
  lanczos: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);

/** Fixed-point filter windows for one axis: output i reads `count[i]` source pixels from `first[i]`. */
export interface ResampleCoefficients {
  /** Stride of `weights` per output pixel. */
  readonly ksize: number;
  readonly first: Int32Array;
  readonly count: Int32Array;
  /** Weights in 22-bit fixed point, `ksize` per output pixel. */
  readonly weights: Int32Array;
}

const CACHE_LIMIT = 256;
const coefficientCache = new Map<string, ResampleCoefficients>();

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for a whole-image box, cached per (filter, in, out). */
export function resampleCoefficients(
  filter: Exclude<PillowFilter, 'nearest'>,
  inSize: number,
  outSize: number,
): ResampleCoefficients {
  const key = `${filter}:${inSize}:${outSize}`;
  const hit = coefficientCache.get(key);
  if (hit) return hit;
  const kernel = KERNELS[filter];
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = kernel.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const invFilterScale = 1 / filterScale;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const n = Math.min(inSize, Math.trunc(center + support + 0.5)) - lo;
    let sum = 0;
    for (let x = 0; x < n; x++) {
      w[x] = kernel.weight((x + lo - center + 0.5) * invFilterScale);
      sum += w[x]!;
    }
    for (let x = 0; x < n; x++) {
      const v = sum !== 0 ? w[x]! / sum : w[x]!;
      weights[i * ksize + x] = Math.trunc(v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
    }
    first[i] = lo;
    count[i] = n;
  }
  const coefficients: ResampleCoefficients = { ksize, first, count, weights };
  if (coefficientCache.size >= CACHE_LIMIT) coefficientCache.clear();
  coefficientCache.set(key, coefficients);
  return coefficients;
}

/** Pillow's clip8: drop the fixed-point fraction, clamp to 0..255. */
function clip8(acc: number): number {
  const v = acc >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** The horizontal pass in JavaScript: `rows` rows from `rowFirst` of a plane `srcWidth` wide, to `outWidth`. */
function horizontalPass(
  src: Uint8Array,
  srcWidth: number,
  rowFirst: number,
  rows: number,
  c: ResampleCoefficients,
  outWidth: number,
): Uint8Array {
  const out = new Uint8Array(outWidth * rows);
  const { ksize, first, count, weights } = c;
  for (let y = 0; y < rows; y++) {
    const rowOffset = (y + rowFirst) * srcWidth;
    const outOffset = y * outWidth;
    for (let xx = 0; xx < outWidth; xx++) {
      const base = rowOffset + first[xx]!;
      const k = xx * ksize;
      const n = count[xx]!;
      let a0 = HALF,
        a1 = 0,
        a2 = 0,
        a3 = 0;
      let x = 0;
      for (; x + 3 < n; x += 4) {
        a0 = (a0 + Math.imul(src[base + x]!, weights[k + x]!)) | 0;
        a1 = (a1 + Math.imul(src[base + x + 1]!, weights[k + x + 1]!)) | 0;
        a2 = (a2 + Math.imul(src[base + x + 2]!, weights[k + x + 2]!)) | 0;
        a3 = (a3 + Math.imul(src[base + x + 3]!, weights[k + x + 3]!)) | 0;
      }
      for (; x < n; x++) a0 = (a0 + Math.imul(src[base + x]!, weights[k + x]!)) | 0;
      out[outOffset + xx] = clip8((a0 + a1 + a2 + a3) | 0);
    }
  }
  return out;
}

/** The vertical pass in JavaScript (source rows shifted by `rowShift`). */
function verticalPass(
  src: Uint8Array,
  width: number,
  rowShift: number,
  c: ResampleCoefficients,
  outHeight: number,
): Uint8Array {
  const out = new Uint8Array(width * outHeight);
  const acc = new Int32Array(width);
  const { ksize, first, count, weights } = c;
  for (let yy = 0; yy < outHeight; yy++) {
    acc.fill(HALF);
    const k = yy * ksize;
    const top = first[yy]! - rowShift;
    const n = count[yy]!;
    for (let y = 0; y < n; y++) {
      const weight = weights[k + y]!;
      const rowOffset = (top + y) * width;
      for (let xx = 0; xx < width; xx++) acc[xx] = (acc[xx]! + Math.imul(src[rowOffset + xx]!, weight)) | 0;
    }
    const outOffset = yy * width;
    for (let xx = 0; xx < width; xx++) out[outOffset + xx] = clip8(acc[xx]!);
  }
  return out;
}

/** Pillow's COORD: a source coordinate truncated towards zero, -1 when negative; `size` or more means "outside". */
function coord(v: number): number {
  return v < 0 ? -1 : Math.trunc(v);
}

/**
 * Pillow's NEAREST resize (ImagingScaleAffine): source pixel COORD((i + 0.5) · in/out), the position accumulated step by
 * step in doubles as Pillow does; pixels that would fall outside the source stay 0 (Pillow's fill).
 */
function nearestResize(img: GreyImage, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const ax = img.width / width;
  const ay = img.height / height;
  const columns = new Int32Array(width);
  let xo = ax * 0.5;
  for (let x = 0; x < width; x++) {
    columns[x] = coord(xo);
    xo += ax;
  }
  let yo = ay * 0.5;
  for (let y = 0; y < height; y++) {
    const yi = coord(yo);
    yo += ay;
    if (yi < 0 || yi >= img.height) continue;
    const row = yi * img.width;
    for (let x = 0; x < width; x++) {
      const xi = columns[x]!;
      if (xi >= 0 && xi < img.width) out[y * width + x] = img.data[row + xi]!;
    }
  }
  return out;
}

/**
 * Resizes a grey image to `width` × `height` exactly as Pillow's `Image.resize((width, height), filter)` does for an
 * "L" image (default LANCZOS, imagehash's ANTIALIAS).
 */
export function pillowResize(
  img: GreyImage,
  width: number,
  height: number,
  filter: PillowFilter = 'lanczos',
): GreyImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`resize target must be positive integers, got ${width}x${height}`);
  }
  if (img.channels !== 1)
    throw new RangeError(`pillowResize takes a single-channel image, got ${img.channels} channels`);
  const done = (data: Uint8Array): GreyImage => ({ width, height, channels: 1, data });
  if (width === img.width && height === img.height) return done(img.data.slice());
  if (filter === 'nearest') return done(nearestResize(img, width, height));

  const vertical = resampleCoefficients(filter, img.height, height);
  if (width === img.width) {
    return done(
      wasmVerticalPass(img.data, width, 0, vertical, height) ?? verticalPass(img.data, width, 0, vertical, height),
    );
  }
  const rows = sourceRows(vertical, height);
  const horizontal = resampleCoefficients(filter, img.width, width);
  const source = { data: img.data, channels: 1, width: img.width, ...rows };
  const fast = wasmResample(source, horizontal, width, height === img.height ? null : vertical, height);
  if (fast) return done(fast);
  const band = horizontalPass(img.data, img.width, rows.rowFirst, rows.rows, horizontal, width);
  if (height === img.height) return done(band);
  return done(verticalPass(band, width, rows.rowFirst, vertical, height));
}

/** The source rows the vertical pass reads (Pillow's ybox_first .. ybox_last): the horizontal pass does only these. */
function sourceRows(vertical: ResampleCoefficients, height: number): { rowFirst: number; rows: number } {
  const rowFirst = vertical.first[0]!;
  return { rowFirst, rows: vertical.first[height - 1]! + vertical.count[height - 1]! - rowFirst };
}

/**
 * `pillowResize(pilLuma(img), width, height, filter)` for an RGB(A) image with PIL's grey conversion fused into the
 * WebAssembly horizontal pass, so the full-size grey image is never made; null where that does not apply (grey
 * input, NEAREST, a width left unchanged, or the kernel not built): the caller then converts first.
 */
export function pillowResizeLuma(
  img: Image,
  width: number,
  height: number,
  filter: PillowFilter = 'lanczos',
): GreyImage | null {
  if (img.channels === 1 || filter === 'nearest' || width === img.width) return null;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) return null;
  const vertical = resampleCoefficients(filter, img.height, height);
  const horizontal = resampleCoefficients(filter, img.width, width);
  const source = { data: img.data, channels: img.channels, width: img.width, ...sourceRows(vertical, height) };
  const data = wasmResample(source, horizontal, width, height === img.height ? null : vertical, height);
  return data && { width, height, channels: 1, data };
}
