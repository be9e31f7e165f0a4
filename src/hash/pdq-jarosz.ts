// PDQ's downsampling: Jarosz's repeated box filter (two passes make a tent) in float, then centre sampling to 64×64.
import type { PdqLumaPlane } from './pdq-luma.js';

/** Side of PDQ's downsampled image. */
export const PDQ_DOWNSAMPLE_DIM = 64;

/** X-then-Y box passes; two make the tent filter (`PDQ_NUM_JAROSZ_XY_PASSES`). */
const JAROSZ_PASSES = 2;

/** Box width per pass: ceil(old / (2 · new)), half of the span one output pixel covers, since two passes are run. */
export function pdqJaroszWindowSize(oldDimension: number, newDimension: number): number {
  return Math.floor((oldDimension + 2 * newDimension - 1) / (2 * newDimension));
}

/**
 * One box-filter pass along rows: each output is the float mean of the window centred on it, with the window
 * truncated (and the divisor shrunk) at both ends. The running sum adds the entering sample and subtracts the leaving
 * one in float, exactly as the reference's `box1DFloat`, so its rounding drift is reproduced.
 */
function boxAlongRows(input: Float32Array, output: Float32Array, rows: number, cols: number, window: number): void {
  const half = (window + 2) >> 1;
  const lead = half - 1;
  const growing = window - half + 1;
  const full = cols - window;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let ri = base;
    let li = base;
    let oi = base;
    let sum = 0;
    let count = 0;
    for (let i = 0; i < lead; i++) {
      sum = Math.fround(sum + input[ri++]);
      count++;
    }
    for (let i = 0; i < growing; i++) {
      sum = Math.fround(sum + input[ri++]);
      count++;
      output[oi++] = sum / count;
    }
    for (let i = 0; i < full; i++) {
      sum = Math.fround(sum + input[ri++]);
      sum = Math.fround(sum - input[li++]);
      output[oi++] = sum / count;
    }
    for (let i = 0; i < lead; i++) {
      sum = Math.fround(sum - input[li++]);
      count--;
      output[oi++] = sum / count;
    }
  }
}

/**
 * The same pass down columns. All columns advance together one row at a time (`sums` holds every column's running
 * sum, rounded to float on each store), which gives each column the reference's exact sequence of operations while
 * reading memory in order.
 */
function boxAlongCols(input: Float32Array, output: Float32Array, rows: number, cols: number, window: number, sums: Float32Array): void {
  const half = (window + 2) >> 1;
  const lead = half - 1;
  const growing = window - half + 1;
  const full = rows - window;
  sums.fill(0);
  let ri = 0;
  let li = 0;
  let oi = 0;
  let count = 0;
  for (let i = 0; i < lead; i++, ri += cols) {
    for (let c = 0; c < cols; c++) sums[c] += input[ri + c];
    count++;
  }
  for (let i = 0; i < growing; i++, ri += cols, oi += cols) {
    count++;
    for (let c = 0; c < cols; c++) {
      sums[c] += input[ri + c];
      output[oi + c] = sums[c] / count;
    }
  }
  for (let i = 0; i < full; i++, ri += cols, li += cols, oi += cols) {
    for (let c = 0; c < cols; c++) {
      sums[c] += input[ri + c];
      sums[c] -= input[li + c];
      output[oi + c] = sums[c] / count;
    }
  }
  for (let i = 0; i < lead; i++, li += cols, oi += cols) {
    count--;
    for (let c = 0; c < cols; c++) {
      sums[c] -= input[li + c];
      output[oi + c] = sums[c] / count;
    }
  }
}

/** Runs the reference's two X/Y box-pass pairs in place on `plane.data` (its contents are overwritten). */
export function pdqJaroszFilter(plane: PdqLumaPlane, windowAlongRows: number, windowAlongCols: number): void {
  const { width: cols, height: rows, data } = plane;
  const scratch = new Float32Array(data.length);
  const sums = new Float32Array(cols);
  for (let pass = 0; pass < JAROSZ_PASSES; pass++) {
    boxAlongRows(data, scratch, rows, cols, windowAlongRows);
    boxAlongCols(scratch, data, rows, cols, windowAlongCols, sums);
  }
}

/** Samples the pixel nearest each output pixel's centre: source index trunc((i + 0.5) · in / out), as `decimateFloat`. */
export function pdqDecimate(plane: PdqLumaPlane, outRows: number, outCols: number): Float32Array {
  const out = new Float32Array(outRows * outCols);
  for (let i = 0; i < outRows; i++) {
    const row = Math.floor(((i + 0.5) * plane.height) / outRows) * plane.width;
    for (let j = 0; j < outCols; j++) out[i * outCols + j] = plane.data[row + Math.floor(((j + 0.5) * plane.width) / outCols)];
  }
  return out;
}

/**
 * PDQ's 64×64 downsample of a luminance plane (which it overwrites): tent-filter with windows sized for 64 outputs
 * per side, then sample. `copy64` reproduces the single-hash path's shortcut that takes a 64×64 input as is; the
 * reference's dihedral path has no such shortcut and filters even 64×64 input.
 */
export function pdqDownsample64(plane: PdqLumaPlane, copy64: boolean): Float32Array {
  const n = PDQ_DOWNSAMPLE_DIM;
  if (copy64 && plane.width === n && plane.height === n) return plane.data.slice();
  pdqJaroszFilter(plane, pdqJaroszWindowSize(plane.width, n), pdqJaroszWindowSize(plane.height, n));
  return pdqDecimate(plane, n, n);
}
