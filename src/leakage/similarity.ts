// Comparing pictures: Pearson correlation (the re-identification score), and SSIM and PSNR of a reconstruction
// against the original's thumbnail, all on THUMB_SIDE² pictures.
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
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** Mean SSIM over 7 × 7 windows (uniform weights, K1 = 0.01, K2 = 0.03, L = 255) of the luma, as skimage's default. */
export function ssim(reconstruction: Picture, original: Picture, window = 7): number {
  const side = original.side;
  const a = lumaOf(reconstruction).data.map((v) => Math.max(0, Math.min(255, v)));
  const b = lumaOf(original).data;
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  const n = window * window;
  const cov = n / (n - 1);
  let total = 0;
  let count = 0;
  for (let y = 0; y + window <= side; y++)
    for (let x = 0; x + window <= side; x++) {
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      let sab = 0;
      for (let dy = 0; dy < window; dy++)
        for (let dx = 0; dx < window; dx++) {
          const i = (y + dy) * side + x + dx;
          const va = a[i] ?? 0;
          const vb = b[i] ?? 0;
          sa += va;
          sb += vb;
          saa += va * va;
          sbb += vb * vb;
          sab += va * vb;
        }
      const ma = sa / n;
      const mb = sb / n;
      const va = (saa / n - ma * ma) * cov;
      const vb = (sbb / n - mb * mb) * cov;
      const vab = (sab / n - ma * mb) * cov;
      total += ((2 * ma * mb + c1) * (2 * vab + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      count++;
    }
  return total / count;
}

/** A standardised luma picture rescaled to a typical mean and standard deviation (what an attacker would assume). */
export function withTypicalScale(p: Picture, mean: number, sd: number): Picture {
  return { ...p, data: p.data.map((v) => mean + sd * v) };
}
