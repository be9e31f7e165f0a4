// Comparing pictures: Pearson correlation (the re-identification score), and SSIM and PSNR of a reconstruction
// against the original's thumbnail, all on THUMB_SIDE² pictures.
import { meanSsim, psnrFromMse } from '../image/similarity.js';
import { lumaOf, type Picture } from './thumbnail.js';

/** Pearson correlation of two equal-length vectors (0 when either is constant). */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] ?? 0;
    mb += b[i] ?? 0;
  }
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] ?? 0) - ma;
    const db = (b[i] ?? 0) - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** How alike a reconstruction looks to a candidate's thumbnail: the correlation of their luma. */
export function appearanceScore(reconstruction: Picture, candidate: Picture): number {
  return correlation(lumaOf(reconstruction).data, lumaOf(candidate).data);
}

/** PSNR in dB of luma pictures in 0–255 (reconstruction clamped to 0–255). */
export function psnr(reconstruction: Picture, original: Picture): number {
  const a = lumaOf(reconstruction).data;
  const b = lumaOf(original).data;
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (Math.max(0, Math.min(255, a[i] ?? 0)) - (b[i] ?? 0)) ** 2;
  return psnrFromMse(se / a.length);
}

/** Mean SSIM over 7 × 7 windows (uniform weights, K1 = 0.01, K2 = 0.03, L = 255) of the luma, as skimage's default. */
export function ssim(reconstruction: Picture, original: Picture, window = 7): number {
  const side = original.side;
  const a = lumaOf(reconstruction).data.map((v) => Math.max(0, Math.min(255, v)));
  return meanSsim(a, lumaOf(original).data, side, side, { window, stride: 1, sampleCovariance: true });
}

/** A standardised luma picture rescaled to a typical mean and standard deviation (what an attacker would assume). */
export function withTypicalScale(p: Picture, mean: number, sd: number): Picture {
  return { ...p, data: p.data.map((v) => mean + sd * v) };
}
