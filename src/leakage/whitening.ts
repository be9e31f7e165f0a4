// Learned spectral whitening of reconstructions, for re-identification: a reconstruction's luma is taken to the
// orthonormal 2-D DCT of THUMB_SIDE², each coefficient divided by the typical amplitude of that coefficient in training
// photos (learned from thumbnails disjoint from the evaluated ones), and transformed back. Correlating the result with
// a candidate's thumbnail weighs every frequency by the evidence it carries rather than by its energy: low frequencies,
// large in every photo, stop dominating the score (a matched filter for coefficients whose sign the hash gives).
import { standardise } from './invert-analytic.js';
import { lumaOf, THUMB_SIDE, type Picture } from './thumbnail.js';

/** Added to every coefficient's variance (unit-norm spectra) so that frequencies absent from training stay bounded. */
export const WHITENING_FLOOR = 1e-5;

/** Per-coefficient variance of training thumbnails' unit-norm luma DCT (DC excluded), THUMB_SIDE² values. */
export interface LumaSpectrum {
  readonly side: number;
  readonly variance: Float64Array;
  readonly images: number;
}

let basis: Float64Array | undefined;

/** The orthonormal DCT-II matrix of THUMB_SIDE points (row k: frequency k). */
function dctBasis(): Float64Array {
  if (basis) return basis;
  const n = THUMB_SIDE;
  const m = new Float64Array(n * n);
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      m[k * n + i] = Math.sqrt((k === 0 ? 1 : 2) / n) * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
  basis = m;
  return m;
}

/** M · X · Mᵀ (forward) or Mᵀ · X · M (inverse) for the n × n DCT matrix M and an n × n grid X. */
function transform2d(x: ArrayLike<number>, inverse: boolean): Float64Array {
  const m = dctBasis();
  const n = THUMB_SIDE;
  const at = (r: number, c: number): number => (inverse ? m[c * n + r] : m[r * n + c]) ?? 0;
  const rows = new Float64Array(n * n);
  for (let u = 0; u < n; u++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += at(u, i) * (x[i * n + j] ?? 0);
      rows[u * n + j] = s;
    }
  const out = new Float64Array(n * n);
  for (let u = 0; u < n; u++)
    for (let v = 0; v < n; v++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (rows[u * n + j] ?? 0) * at(v, j);
      out[u * n + v] = s;
    }
  return out;
}

/** The orthonormal 2-D DCT of a THUMB_SIDE² grid. */
export const dct2d = (x: ArrayLike<number>): Float64Array => transform2d(x, false);

/** The inverse of `dct2d`. */
export const idct2d = (c: ArrayLike<number>): Float64Array => transform2d(c, true);

/** A picture's luma DCT with DC removed, scaled to unit norm (all zero for a flat picture). */
function unitSpectrum(p: Picture): Float64Array {
  if (p.side !== THUMB_SIDE) throw new RangeError(`spectra are of ${THUMB_SIDE}² pictures, not ${p.side}²`);
  const c = dct2d(lumaOf(p).data);
  c[0] = 0;
  const norm = Math.sqrt(c.reduce((a, v) => a + v * v, 0));
  return norm > 0 ? c.map((v) => v / norm) : c;
}

/** The spectrum of training thumbnails (the photos a whitened inverse is fitted on). */
export function lumaSpectrum(thumbnails: readonly Picture[]): LumaSpectrum {
  const variance = new Float64Array(THUMB_SIDE * THUMB_SIDE);
  for (const t of thumbnails) unitSpectrum(t).forEach((v, k) => (variance[k] = (variance[k] ?? 0) + v * v));
  const n = Math.max(1, thumbnails.length);
  return { side: THUMB_SIDE, variance: variance.map((v) => v / n), images: thumbnails.length };
}

/**
 * The reconstruction whitened by the training spectrum: each AC coefficient divided by √(variance + floor), DC
 * dropped; returned as a standardised luma picture (mean 0, standard deviation 1).
 */
export function whitenPicture(p: Picture, spectrum: LumaSpectrum): Picture {
  const c = unitSpectrum(p).map((v, k) => (k === 0 ? 0 : v / Math.sqrt((spectrum.variance[k] ?? 0) + WHITENING_FLOOR)));
  return { side: THUMB_SIDE, channels: 1, data: standardise(idct2d(c)) };
}
