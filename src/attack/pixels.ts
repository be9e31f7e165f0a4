// The pixels an attack works on (opaque RGB) and the smooth grey perturbations it adds to them.
import type { Image } from '../image/types.js';

/** An opaque 8-bit RGB image: what every attack perturbs and what its JPEG output holds. */
export interface RgbImage extends Image {
  readonly channels: 3;
}

/**
 * The image as opaque RGB: grey expanded, transparent pixels composited onto white (as the evaluation experiments
 * do, and as the JPEG that the attack finally writes must do).
 */
export function toRgb(image: Image): RgbImage {
  const { width, height, channels, data } = image;
  if (channels === 3) return image as RgbImage;
  const n = width * height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    if (channels === 1) {
      out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = data[i]!;
      continue;
    }
    const a = data[4 * i + 3]! / 255;
    for (let c = 0; c < 3; c++) out[3 * i + c] = Math.round(data[4 * i + c]! * a + 255 * (1 - a));
  }
  return { width, height, channels: 3, data: out };
}

/**
 * Bilinear interpolation weights along one axis from `grid` control points (placed at cell centres) to `size`
 * pixels: pixel p takes (1 − w) of point lo[p] and w of point lo[p] + 1 (clamped at the borders).
 */
export interface AxisBasis {
  readonly size: number;
  readonly grid: number;
  readonly lo: Int32Array;
  readonly w: Float64Array;
}

export function axisBasis(size: number, grid: number): AxisBasis {
  const lo = new Int32Array(size);
  const w = new Float64Array(size);
  for (let p = 0; p < size; p++) {
    const u = Math.min(Math.max(((p + 0.5) * grid) / size - 0.5, 0), grid - 1);
    const i = Math.min(Math.floor(u), Math.max(grid - 2, 0));
    lo[p] = i;
    w[p] = grid === 1 ? 0 : u - i;
  }
  return { size, grid, lo, w };
}

/** The index of point `lo + 1`, or `lo` itself on a one-point axis. */
function hiIndex(basis: AxisBasis, lo: number): number {
  return basis.grid === 1 ? lo : lo + 1;
}

/** A grey perturbation of every pixel: Py · Θ · Pxᵀ for a control grid Θ (gy × gx, row-major), i.e. its bilinear upsampling. */
export function upsample(theta: ArrayLike<number>, ys: AxisBasis, xs: AxisBasis): Float32Array {
  const { grid: gx } = xs;
  const out = new Float32Array(ys.size * xs.size);
  const row = new Float64Array(gx);
  for (let y = 0; y < ys.size; y++) {
    const a = ys.lo[y]!;
    const b = hiIndex(ys, a);
    const wy = ys.w[y]!;
    for (let k = 0; k < gx; k++) row[k] = (1 - wy) * theta[a * gx + k]! + wy * theta[b * gx + k]!;
    const o = y * xs.size;
    for (let x = 0; x < xs.size; x++) {
      const l = xs.lo[x]!;
      const wx = xs.w[x]!;
      out[o + x] = (1 - wx) * row[l]! + wx * row[hiIndex(xs, l)]!;
    }
  }
  return out;
}

/** How a perturbation of luma is spread over R, G and B. */
export type ChannelGains = readonly [number, number, number];

/** The same change on all three channels (for hashes that weigh them equally, or see colour). */
export const GREY_GAINS: ChannelGains = [1, 1, 1];

/**
 * The change of least RGB energy that moves ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B) by one: w / |w|². For a
 * given luma change it costs 25% less mean squared error than a grey change (1.27 dB more PSNR).
 */
export const LUMA_GAINS: ChannelGains = (() => {
  const w = [0.299, 0.587, 0.114] as const;
  const n = w[0] * w[0] + w[1] * w[1] + w[2] * w[2];
  return [w[0] / n, w[1] / n, w[2] / n];
})();

/**
 * The largest |d| of a perturbation whose change of every channel, gain · d, stays within ±maxLinf (Infinity for
 * no bound): the bound over the largest gain in magnitude, so negative gains (opponent colours) respect it too.
 */
export const perturbationBound = (maxLinf: number | undefined, gains: ChannelGains): number =>
  (maxLinf ?? Infinity) / Math.max(...gains.map(Math.abs));

/** The gains for a hasher: luma-weighted for hashes of 601 luma, grey for blockhash (R + G + B), colour and learned hashes. */
export function gainsFor(algo: string): ChannelGains {
  const base = algo.split(':')[0] ?? algo;
  return ['pdq', 'phash', 'ahash', 'dhash', 'whash'].includes(base) ? LUMA_GAINS : GREY_GAINS;
}

/** The source with the perturbation added (times each channel's gain), rounded and clipped to 0..255. */
export function applyDelta(source: RgbImage, delta: Float32Array, gains: ChannelGains = GREY_GAINS): RgbImage {
  const n = source.width * source.height;
  const src = source.data;
  const out = new Uint8ClampedArray(n * 3);
  const [gr, gg, gb] = gains;
  for (let i = 0, s = 0; i < n; i++, s += 3) {
    const d = delta[i]!;
    out[s] = src[s]! + gr * d;
    out[s + 1] = src[s + 1]! + gg * d;
    out[s + 2] = src[s + 2]! + gb * d;
  }
  return { width: source.width, height: source.height, channels: 3, data: new Uint8Array(out.buffer) };
}

/** Root mean square of a perturbation. */
export function rms(delta: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < delta.length; i++) s += delta[i]! * delta[i]!;
  return Math.sqrt(s / Math.max(delta.length, 1));
}

/** The root-mean-square pixel change that gives a PSNR of `db` on 8-bit images. */
export function rmsForPsnr(db: number): number {
  return 255 / Math.pow(10, db / 20);
}
