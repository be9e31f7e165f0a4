// Analytic inversion of the mean, gradient, DCT and Haar hashes: place ±1 where each bit says a pixel, gradient or
// coefficient lies above or below its reference value, and invert the transform the hash was computed with. Nothing
// is learned; the result is a zero-mean, unit-variance luma picture of THUMB_SIDE² (its scale is unknown to the
// attacker, who sets it from typical image statistics).
import { pdqDctMatrix, PDQ_DCT_DIM } from '../hash/pdq/dct.js';
import type { Hash } from '../hash/types.js';
import { algoFamily, algoParam, hashSigns } from './hash-signs.js';
import { resampleGrid, THUMB_SIDE, type Picture } from './thumbnail.js';

/** Scales values to mean 0 and standard deviation 1 (all zero stays zero). */
export function standardise(values: Float64Array): Float64Array {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  const sd = Math.sqrt(sq / values.length);
  return values.map((v) => (sd > 0 ? (v - mean) / sd : 0));
}

/** aHash (and whash, whose Haar approximation at hash_size² is a block mean): ±1 per cell of an n × n grid. */
function gridInverse(signs: Float64Array, n: number): Float64Array {
  return resampleGrid(signs, n, THUMB_SIDE);
}

/** dHash: bit (r, c) says pixel (r, c + 1) > (r, c); integrate ±1 steps along each row of (n + 1) × n, centred. */
function gradientInverse(signs: Float64Array, n: number): Float64Array {
  const w = n + 1;
  const grid = new Float64Array(w * n);
  for (let r = 0; r < n; r++) {
    let v = 0;
    let sum = 0;
    for (let c = 0; c < w; c++) {
      if (c > 0) v += signs[r * n + c - 1] ?? 0;
      grid[r * w + c] = v;
      sum += v;
    }
    for (let c = 0; c < w; c++) grid[r * w + c] = (grid[r * w + c] ?? 0) - sum / w;
  }
  // Stretch the (n + 1)-wide rows onto an (n + 1)-square grid (rows repeated by resampling), then to the thumbnail.
  const square = new Float64Array(w * w);
  for (let y = 0; y < w; y++) {
    const r = Math.min(n - 1, Math.floor((y * n) / w));
    for (let c = 0; c < w; c++) square[y * w + c] = grid[r * w + c] ?? 0;
  }
  return resampleGrid(square, w, THUMB_SIDE);
}

/**
 * pHash: bit (u, v) says DCT-II coefficient (u, v) of the (4n)² thumbnail (u along rows) is above the median. Place
 * ±1 at the n² lowest frequencies (DC left at 0: it carries only brightness) and sum the cosine basis.
 */
function dctInverse(signs: Float64Array, n: number): Float64Array {
  const side = 4 * n;
  const basis = (k: number, i: number): number => Math.cos((Math.PI * k * (2 * i + 1)) / (2 * side));
  const out = new Float64Array(side * side);
  for (let u = 0; u < n; u++)
    for (let v = 0; v < n; v++) {
      if (u === 0 && v === 0) continue;
      const s = signs[u * n + v] ?? 0;
      for (let y = 0; y < side; y++) {
        const by = s * basis(u, y);
        for (let x = 0; x < side; x++) out[y * side + x] = (out[y * side + x] ?? 0) + by * basis(v, x);
      }
    }
  return resampleGrid(out, side, THUMB_SIDE);
}

/** PDQ: bit k says coefficient (⌊k/16⌋, k mod 16) of D·A·Dᵀ (frequencies 1–16) is above the median; A = Dᵀ·B·D. */
function pdqInverse(signs: Float64Array): Float64Array {
  const d = pdqDctMatrix();
  const n = 64;
  const m = PDQ_DCT_DIM;
  // T = B · D (16 × 64), then A = Dᵀ · T (64 × 64).
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      const b = signs[i * m + j] ?? 0;
      for (let x = 0; x < n; x++) t[i * n + x] = (t[i * n + x] ?? 0) + b * (d[j * n + x] ?? 0);
    }
  const a = new Float64Array(n * n);
  for (let y = 0; y < n; y++)
    for (let i = 0; i < m; i++) {
      const dy = d[i * n + y] ?? 0;
      for (let x = 0; x < n; x++) a[y * n + x] = (a[y * n + x] ?? 0) + dy * (t[i * n + x] ?? 0);
    }
  const out = new Float64Array(THUMB_SIDE * THUMB_SIDE);
  const f = n / THUMB_SIDE;
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const cell = Math.floor(y / f) * THUMB_SIDE + Math.floor(x / f);
      out[cell] = (out[cell] ?? 0) + (a[y * n + x] ?? 0) / (f * f);
    }
  return out;
}

/** The algorithm families with an analytic inverse. */
export const ANALYTIC_FAMILIES: ReadonlySet<string> = new Set(['ahash', 'dhash', 'phash', 'whash', 'pdq']);

export const hasAnalyticInverse = (algo: string): boolean => ANALYTIC_FAMILIES.has(algoFamily(algo));

/** The analytic reconstruction of a hash: a standardised luma picture, or undefined for other families. */
export function analyticInverse(hash: Hash): Picture | undefined {
  return analyticFromSigns(hash.algo, hashSigns(hash));
}

/** The analytic reconstruction from ±1 bits (as `hashSigns` orders them) of algorithm `algo`. */
export function analyticFromSigns(algo: string, signs: Float64Array): Picture | undefined {
  const family = algoFamily(algo);
  const n = algoParam(algo, 8);
  let values: Float64Array;
  if (family === 'ahash' || family === 'whash') values = gridInverse(signs, n);
  else if (family === 'dhash') values = gradientInverse(signs, n);
  else if (family === 'phash') values = dctInverse(signs, n);
  else if (family === 'pdq') values = pdqInverse(signs);
  else return undefined;
  return { side: THUMB_SIDE, channels: 1, data: standardise(values) };
}
