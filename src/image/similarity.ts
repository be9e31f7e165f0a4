// Full-reference quality of one picture against another: mean SSIM over square windows of two planes, and PSNR from
// a mean squared error (8-bit range). The attack and leakage measures are these with their window choices.

/** How `meanSsim` slides its windows and estimates (co)variances. */
export interface SsimWindows {
  /** Side of the square, uniformly weighted window. */
  readonly window: number;
  /** Step between windows, in pixels. */
  readonly stride: number;
  /** Sample (co)variances (n − 1 in the denominator, as skimage's default) instead of population ones. */
  readonly sampleCovariance: boolean;
}

/**
 * Mean structural similarity (Wang et al. 2004; K1 = 0.01, K2 = 0.03, L = 255) of two `width` × `height` planes over
 * every window that fits; NaN when none fits.
 */
export function meanSsim(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  width: number,
  height: number,
  { window, stride, sampleCovariance }: SsimWindows,
): number {
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  const n = window * window;
  const cov = sampleCovariance ? n / (n - 1) : 1;
  let total = 0;
  let count = 0;
  for (let top = 0; top + window <= height; top += stride) {
    for (let left = 0; left + window <= width; left += stride) {
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let r = top; r < top + window; r++) {
        for (let c = left; c < left + window; c++) {
          const u = x[r * width + c] ?? 0;
          const v = y[r * width + c] ?? 0;
          sx += u;
          sy += v;
          sxx += u * u;
          syy += v * v;
          sxy += u * v;
        }
      }
      const mx = sx / n;
      const my = sy / n;
      const vx = (sxx / n - mx * mx) * cov;
      const vy = (syy / n - my * my) * cov;
      const vxy = (sxy / n - mx * my) * cov;
      total += ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      count++;
    }
  }
  return total / count;
}

/** Peak signal-to-noise ratio in dB for 8-bit samples from their mean squared error (Infinity when it is 0). */
export function psnrFromMse(mse: number): number {
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
