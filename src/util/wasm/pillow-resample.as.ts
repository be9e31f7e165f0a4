// WebAssembly kernels (AssemblyScript, v128 SIMD) for Pillow's 8-bit resampling passes, bit for bit: the same 32-bit
// wrapping multiply-adds as Resample.c, reordered freely because wrapping addition is associative. The JavaScript
// passes in src/image/pillow-resize.ts are their oracle and fallback.
export { reserve } from './lib/scratch.as';
import { lumaRow } from './lib/luma-row.as';

const PRECISION_BITS = 22;
const HALF: i32 = 1 << (PRECISION_BITS - 1);

function clip8(acc: i32): u8 {
  const v = acc >> PRECISION_BITS;
  return <u8>(v < 0 ? 0 : v > 255 ? 255 : v);
}

/** Sum of the four lanes of an i32x4, wrapping. */
function lanes(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/** The wrapping sum of the n taps from `base` times split weights at `w` (i16 hi then i16 lo per group of 8). */
function splitDot(base: usize, n: i32, w: usize): i32 {
  let accHi = i32x4.splat(0);
  let accLo = i32x4.splat(0);
  for (let x = 0; x < n; x += 8) {
    const px = v128.load8x8_u(base + <usize>x);
    accHi = i32x4.add(accHi, i32x4.dot_i16x8_s(px, v128.load(w + ((<usize>x) << 2))));
    accLo = i32x4.add(accLo, i32x4.dot_i16x8_s(px, v128.load(w + ((<usize>x) << 2), 16)));
  }
  return lanes(i32x4.add(i32x4.shl(accHi, 15), accLo));
}

/** The sum of the n taps from `base` times i16 weights at `w`: one dot product per eight taps, two chains. */
function narrowDot(base: usize, n: i32, w: usize): i32 {
  let acc0 = i32x4.splat(0);
  let acc1 = i32x4.splat(0);
  let x = 0;
  for (; x + 16 <= n; x += 16) {
    acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(v128.load8x8_u(base + <usize>x), v128.load(w + ((<usize>x) << 1))));
    acc1 = i32x4.add(
      acc1,
      i32x4.dot_i16x8_s(v128.load8x8_u(base + <usize>x + 8), v128.load(w + ((<usize>x) << 1), 16)),
    );
  }
  for (; x < n; x += 8) {
    acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(v128.load8x8_u(base + <usize>x), v128.load(w + ((<usize>x) << 1))));
  }
  return lanes(i32x4.add(acc0, acc1));
}

/** One output row of the horizontal pass over the source row at `row` (see `horizontal`). */
function horizontalRow(
  row: usize,
  first: usize,
  count: usize,
  weights: usize,
  ksize: i32,
  outWidth: i32,
  outRow: usize,
  narrow: bool,
): void {
  for (let xx = 0; xx < outWidth; xx++) {
    const base = row + <usize>load<i32>(first + ((<usize>xx) << 2));
    const n = load<i32>(count + ((<usize>xx) << 2));
    const w = <usize>xx * <usize>ksize;
    const sum = narrow ? narrowDot(base, n, weights + (w << 1)) : splitDot(base, n, weights + (w << 2));
    store<u8>(outRow + <usize>xx, clip8(HALF + sum));
  }
}

/**
 * Horizontal pass: for `rows` source rows from `rowFirst`, output pixel x of each row is the clipped fixed-point sum
 * of count[x] source pixels from first[x] times weights[x*ksize ...]. Weights are read in groups of 8 (the caller
 * pads each window with zero weights up to a multiple of 8 inside ksize, and the source row with 8 spare bytes), each
 * group as eight i16 w >> 15 then eight i16 w & 0x7fff: two 16-bit dot products give 2^15 · hi + lo = the sum, mod 2^32.
 * Source pixels are `step` bytes: grey (1) is read in place; RGB or RGBA (3, 4) rows are first turned into PIL's
 * convert("L") in `rowBuffer` (srcWidth + 8 bytes), so no full-size grey image is made. With `narrow`, every weight
 * fits in an i16 (large reductions) and each group of eight taps is just its eight i16 weights: one dot product.
 */
export function horizontal(
  src: usize,
  step: i32,
  srcWidth: i32,
  rowFirst: i32,
  rows: i32,
  first: usize,
  count: usize,
  weights: usize,
  ksize: i32,
  outWidth: i32,
  out: usize,
  rowBuffer: usize,
  narrow: bool,
): void {
  const rowBytes = <usize>srcWidth * <usize>step;
  for (let y = 0; y < rows; y++) {
    let row = src + <usize>(y + rowFirst) * rowBytes;
    if (step != 1) {
      lumaRow(row, srcWidth, step, rowBuffer);
      row = rowBuffer;
    }
    horizontalRow(row, first, count, weights, ksize, outWidth, out + <usize>y * <usize>outWidth, narrow);
  }
}

/**
 * Vertical pass: output row yy is the clipped fixed-point sum of count[yy] source rows from first[yy] - rowShift,
 * each times its weight; eight pixels of a row at a time, the rest one by one.
 */
export function vertical(
  src: usize,
  width: i32,
  rowShift: i32,
  first: usize,
  count: usize,
  weights: usize,
  ksize: i32,
  outHeight: i32,
  out: usize,
  acc: usize,
): void {
  const vectorWidth = width & ~7;
  for (let yy = 0; yy < outHeight; yy++) {
    for (let xx = 0; xx < width; xx++) store<i32>(acc + ((<usize>xx) << 2), HALF);
    const top = load<i32>(first + ((<usize>yy) << 2)) - rowShift;
    const n = load<i32>(count + ((<usize>yy) << 2));
    const w = weights + ((<usize>yy * <usize>ksize) << 2);
    for (let y = 0; y < n; y++) {
      const weight = load<i32>(w + ((<usize>y) << 2));
      const wv = i32x4.splat(weight);
      const row = src + <usize>(top + y) * <usize>width;
      let xx = 0;
      for (; xx < vectorWidth; xx += 8) {
        const px = v128.load8x8_u(row + <usize>xx);
        const a = acc + ((<usize>xx) << 2);
        v128.store(a, i32x4.add(v128.load(a), i32x4.mul(i32x4.extend_low_i16x8_u(px), wv)));
        v128.store(a, i32x4.add(v128.load(a, 16), i32x4.mul(i32x4.extend_high_i16x8_u(px), wv)), 16);
      }
      for (; xx < width; xx++) {
        const a = acc + ((<usize>xx) << 2);
        store<i32>(a, load<i32>(a) + <i32>load<u8>(row + <usize>xx) * weight);
      }
    }
    const outRow = out + <usize>yy * <usize>width;
    for (let xx = 0; xx < width; xx++) store<u8>(outRow + <usize>xx, clip8(load<i32>(acc + ((<usize>xx) << 2))));
  }
}
