// PDQ's downsampling: Jarosz's repeated box filter (two passes make a tent) in float, then centre sampling to 64×64.
//
// Bit-exact with `jaroszFilterFloat` + `decimateFloat` of `pdq/cpp/downscaling/downscaling.cpp`: every running sum
// takes the reference's float additions and subtractions in the reference's order. Two things differ, neither in
// the result: (1) the reference divides each float sum by the window count, this code multiplies by the double
// reciprocal, which rounds to the same float (a float over a small integer n is never within 2^-25/n, relative, of
// a float rounding midpoint, far more than the double product's error); (2) the last pass, down the columns, only
// runs on the 64 columns that the sampling reads (each column's pass depends on that column alone).
import type { PdqLumaPlane } from './luma.js';

/** Side of PDQ's downsampled image. */
export const PDQ_DOWNSAMPLE_DIM = 64;

/** Box width per pass: ceil(old / (2 · new)), half of the span one output pixel covers, since two passes are run. */
export function pdqJaroszWindowSize(oldDimension: number, newDimension: number): number {
  return Math.floor((oldDimension + 2 * newDimension - 1) / (2 * newDimension));
}

/** 1 / n for every window count n = 1..window (index 0 unused): the box passes multiply by these. */
export function windowReciprocals(window: number): Float64Array {
  const recip = new Float64Array(window + 1);
  for (let n = 1; n <= window; n++) recip[n] = 1 / n;
  return recip;
}

/** The box pass's phases for a window: samples summed before the first output, while growing, at full width. */
function phases(window: number, length: number): { lead: number; growing: number; full: number; recip: Float64Array } {
  const half = (window + 2) >> 1;
  return { lead: half - 1, growing: window - half + 1, full: length - window, recip: windowReciprocals(window) };
}

/**
 * One box pass along every row (`box1DFloat` per row): each output is the float mean of the window centred on it,
 * truncated (with a smaller divisor) at both ends. Rows go four at a time so that four independent float chains
 * overlap; the last group may redo rows of the one before, which rewrites the same values. Needs rows >= 4.
 */
function boxAlongRows(input: Float32Array, output: Float32Array, rows: number, cols: number, window: number): void {
  const { lead, growing, full, recip } = phases(window, cols);
  const inv = recip[window]!;
  const f = Math.fround;
  for (let group = 0; group < rows; group += 4) {
    const a = Math.min(group, rows - 4) * cols;
    const b = a + cols;
    const c = b + cols;
    const d = c + cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let ri = 0;
    let li = 0;
    let oi = 0;
    let count = 0;
    for (let i = 0; i < lead; i++, ri++, count++) {
      s0 = f(s0 + input[a + ri]!);
      s1 = f(s1 + input[b + ri]!);
      s2 = f(s2 + input[c + ri]!);
      s3 = f(s3 + input[d + ri]!);
    }
    for (let i = 0; i < growing; i++, ri++, oi++) {
      const r = recip[++count]!;
      s0 = f(s0 + input[a + ri]!);
      s1 = f(s1 + input[b + ri]!);
      s2 = f(s2 + input[c + ri]!);
      s3 = f(s3 + input[d + ri]!);
      output[a + oi] = s0 * r;
      output[b + oi] = s1 * r;
      output[c + oi] = s2 * r;
      output[d + oi] = s3 * r;
    }
    for (let i = 0; i < full; i++, ri++, li++, oi++) {
      s0 = f(f(s0 + input[a + ri]!) - input[a + li]!);
      s1 = f(f(s1 + input[b + ri]!) - input[b + li]!);
      s2 = f(f(s2 + input[c + ri]!) - input[c + li]!);
      s3 = f(f(s3 + input[d + ri]!) - input[d + li]!);
      output[a + oi] = s0 * inv;
      output[b + oi] = s1 * inv;
      output[c + oi] = s2 * inv;
      output[d + oi] = s3 * inv;
    }
    for (let i = 0; i < lead; i++, li++, oi++) {
      const r = recip[--count]!;
      s0 = f(s0 - input[a + li]!);
      s1 = f(s1 - input[b + li]!);
      s2 = f(s2 - input[c + li]!);
      s3 = f(s3 - input[d + li]!);
      output[a + oi] = s0 * r;
      output[b + oi] = s1 * r;
      output[c + oi] = s2 * r;
      output[d + oi] = s3 * r;
    }
  }
}

/**
 * The same pass down the listed columns (all of them, or only those sampled afterwards). The columns advance
 * together a row at a time, each with its running sum in `sums` (rounded to float on every store), which keeps
 * memory reads in order.
 */
function boxAlongCols(
  input: Float32Array,
  output: Float32Array,
  rows: number,
  cols: number,
  window: number,
  columns: Int32Array,
  sums: Float32Array,
): void {
  const { lead, growing, full, recip } = phases(window, rows);
  const inv = recip[window]!;
  const n = columns.length;
  sums.fill(0, 0, n);
  let ri = 0;
  let li = 0;
  let oi = 0;
  let count = 0;
  for (let i = 0; i < lead; i++, ri += cols, count++) {
    for (let k = 0; k < n; k++) sums[k]! += input[ri + columns[k]!]!;
  }
  for (let i = 0; i < growing; i++, ri += cols, oi += cols) {
    const r = recip[++count]!;
    for (let k = 0; k < n; k++) {
      const j = columns[k]!;
      const s = Math.fround(sums[k]! + input[ri + j]!);
      sums[k] = s;
      output[oi + j] = s * r;
    }
  }
  for (let i = 0; i < full; i++, ri += cols, li += cols, oi += cols) {
    for (let k = 0; k < n; k++) {
      const j = columns[k]!;
      const s = Math.fround(Math.fround(sums[k]! + input[ri + j]!) - input[li + j]!);
      sums[k] = s;
      output[oi + j] = s * inv;
    }
  }
  for (let i = 0; i < lead; i++, li += cols, oi += cols) {
    const r = recip[--count]!;
    for (let k = 0; k < n; k++) {
      const j = columns[k]!;
      const s = Math.fround(sums[k]! - input[li + j]!);
      sums[k] = s;
      output[oi + j] = s * r;
    }
  }
}

/** The source index each of `outSize` outputs samples, trunc((i + 0.5) · inSize / outSize), as `decimateFloat`. */
export function centreIndices(inSize: number, outSize: number): Int32Array {
  const idx = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) idx[i] = Math.floor(((i + 0.5) * inSize) / outSize);
  return idx;
}

function allIndices(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Scratch buffers kept between calls (hashing is synchronous, so one set serves every call). */
let scratch = new Float32Array(0);
let sums = new Float32Array(0);

/**
 * PDQ's 64×64 downsample of a luminance plane (which it overwrites): two X-then-Y pairs of box passes with windows
 * sized for 64 outputs per side, then centre sampling. `copy64` reproduces the single-hash path's shortcut that
 * takes a 64×64 input as is; the reference's dihedral path has no such shortcut and filters 64×64 input too.
 * Planes must be at least 5×5 (PDQ's minimum).
 */
export function pdqDownsample64(plane: PdqLumaPlane, copy64: boolean): Float32Array {
  const n = PDQ_DOWNSAMPLE_DIM;
  const { width: cols, height: rows, data } = plane;
  if (copy64 && cols === n && rows === n) return data.slice();
  if (scratch.length < data.length) scratch = new Float32Array(data.length);
  if (sums.length < Math.max(cols, n)) sums = new Float32Array(Math.max(cols, n));
  const windowAlongRows = pdqJaroszWindowSize(cols, n);
  const windowAlongCols = pdqJaroszWindowSize(rows, n);
  const sampledRows = centreIndices(rows, n);
  const sampledCols = centreIndices(cols, n);
  boxAlongRows(data, scratch, rows, cols, windowAlongRows);
  boxAlongCols(scratch, data, rows, cols, windowAlongCols, allIndices(cols), sums);
  boxAlongRows(data, scratch, rows, cols, windowAlongRows);
  boxAlongCols(scratch, data, rows, cols, windowAlongCols, sampledCols, sums);
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = sampledRows[i]! * cols;
    for (let j = 0; j < n; j++) out[i * n + j] = data[row + sampledCols[j]!]!;
  }
  return out;
}
