// Distortion between a source and its adversarial copy: PSNR, SSIM and the largest pixel change (L∞).
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
  const mse = s / a.data.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
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
  const x = luma(a);
  const y = luma(b);
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  const n = WINDOW * WINDOW;
  let total = 0;
  let count = 0;
  for (let top = 0; top + WINDOW <= height; top += STRIDE) {
    for (let left = 0; left + WINDOW <= width; left += STRIDE) {
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let r = top; r < top + WINDOW; r++) {
        for (let c = left; c < left + WINDOW; c++) {
          const u = x[r * width + c]!;
          const v = y[r * width + c]!;
          sx += u;
          sy += v;
          sxx += u * u;
          syy += v * v;
          sxy += u * v;
        }
      }
      const mx = sx / n;
      const my = sy / n;
      const vx = sxx / n - mx * mx;
      const vy = syy / n - my * my;
      const cov = sxy / n - mx * my;
      total += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      count++;
    }
  }
  return total / count;
}

export function distortion(source: RgbImage, adversarial: RgbImage): Distortion {
  return { psnr: psnr(source, adversarial), ssim: ssim(source, adversarial), linf: linf(source, adversarial) };
}
