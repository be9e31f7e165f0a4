// Distortion between a source and its adversarial copy: PSNR, SSIM and the largest pixel change (L∞).
import { meanSsim, psnrFromMse } from '../image/similarity.js';
import type { RgbImage } from './pixels.js';

export interface Distortion {
  /** Peak signal-to-noise ratio over all RGB samples, dB (Infinity for identical images). */
  readonly psnr: number;
  /** Mean SSIM of the luma planes over 8×8 windows at stride 4 (C1 = (0.01·255)², C2 = (0.03·255)²). */
  readonly ssim: number;
  /** Largest absolute change of any RGB sample. */
  readonly linf: number;
}

function sameSize(a: RgbImage, b: RgbImage): void {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError('distortion: images differ in size');
}

export function psnr(a: RgbImage, b: RgbImage): number {
  sameSize(a, b);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i]! - b.data[i]!;
    s += d * d;
  }
  return psnrFromMse(s / a.data.length);
}

export function linf(a: RgbImage, b: RgbImage): number {
  sameSize(a, b);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

function luma(img: RgbImage): Float64Array {
  const n = img.width * img.height;
  const out = new Float64Array(n);
  for (let i = 0, s = 0; i < n; i++, s += 3)
    out[i] = 0.299 * img.data[s]! + 0.587 * img.data[s + 1]! + 0.114 * img.data[s + 2]!;
  return out;
}

const WINDOW = 8;
const STRIDE = 4;

/** Mean structural similarity (Wang et al. 2004) over uniform 8×8 windows; 1 for identical images. */
export function ssim(a: RgbImage, b: RgbImage): number {
  sameSize(a, b);
  const { width, height } = a;
  if (width < WINDOW || height < WINDOW) return psnr(a, b) === Infinity ? 1 : 0;
  return meanSsim(luma(a), luma(b), width, height, { window: WINDOW, stride: STRIDE, sampleCovariance: false });
}

export function distortion(source: RgbImage, adversarial: RgbImage): Distortion {
  return { psnr: psnr(source, adversarial), ssim: ssim(source, adversarial), linf: linf(source, adversarial) };
}
