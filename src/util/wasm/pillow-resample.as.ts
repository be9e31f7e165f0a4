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

/** The wrapping sums of the lanes of each of a, b, c, d, as the four lanes of one i32x4. */
function sums4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(i32x4.shuffle(a, b, 0, 4, 1, 5), i32x4.shuffle(a, b, 2, 6, 3, 7));
  const cd = i32x4.add(i32x4.shuffle(c, d, 0, 4, 1, 5), i32x4.shuffle(c, d, 2, 6, 3, 7));
  return i32x4.add(i32x4.shuffle(ab, cd, 0, 1, 4, 5), i32x4.shuffle(ab, cd, 2, 3, 6, 7));
}

/** clip8 of HALF + each lane of `sums`, as four bytes at `to`. */
function storeClipped4(to: usize, sums: v128): void {
  const v = i32x4.shr_s(i32x4.add(sums, i32x4.splat(HALF)), PRECISION_BITS);
  const words = i16x8.narrow_i32x4_s(v, v);
  v128.store32_lane(to, i8x16.narrow_i16x8_u(words, words), 0);
}

/** Eight pixels of a row of R (u8 or u16) from pixel `at`, as i16 lanes. */
function pixels8<R>(row: usize, at: usize): v128 {
  return sizeof<R>() == 2 ? v128.load(row + (at << 1)) : v128.load8x8_u(row + at);
}

/** How the horizontal pass's weights are stored (see `horizontal`). */
const SPLIT: i32 = 0;
const NARROW: i32 = 1;
const OFFSET: i32 = 2;

/**
 * One output pixel of four rows at once (rows r0..r3) for every x of the row: each weight group is loaded once for
 * the four rows, and the four dot products' lanes are summed together. Writes x-major: byte 4x + k is row k's pixel
 * x. The type W names how the weights are stored (see `horizontal`), so each layout gets its own compiled loop: i32
 * for SPLIT (four bytes a tap), i16 for NARROW and u16 for OFFSET (two bytes a tap, i16 weights either way). R is
 * the rows' pixel type: u8 (grey sources, read in place, widened as loaded) or u16 (luma rows, loaded as they are).
 */
function quadRows<W, R>(
  r0: usize,
  r1: usize,
  r2: usize,
  r3: usize,
  first: usize,
  count: usize,
  weights: usize,
  offsets: usize,
  ksize: i32,
  outWidth: i32,
  tmp: usize,
): void {
  const mode = sizeof<W>() == 4 ? SPLIT : isSigned<W>() ? NARROW : OFFSET;
  const tapBytes = sizeof<W>();
  for (let xx = 0; xx < outWidth; xx++) {
    const off = <usize>load<i32>(first + ((<usize>xx) << 2));
    const n = load<i32>(count + ((<usize>xx) << 2));
    const w = weights + <usize>xx * <usize>ksize * tapBytes;
    let h0 = i32x4.splat(0);
    let h1 = h0;
    let h2 = h0;
    let h3 = h0;
    // The split weights' low halves (SPLIT), or the pixel sums as u16 lanes (OFFSET).
    let l0 = h0;
    let l1 = h0;
    let l2 = h0;
    let l3 = h0;
    for (let x = 0; x < n; x += 8) {
      const at = off + <usize>x;
      const group = w + <usize>x * tapBytes;
      const p0 = pixels8<R>(r0, at);
      const p1 = pixels8<R>(r1, at);
      const p2 = pixels8<R>(r2, at);
      const p3 = pixels8<R>(r3, at);
      const hi = v128.load(group);
      h0 = i32x4.add(h0, i32x4.dot_i16x8_s(p0, hi));
      h1 = i32x4.add(h1, i32x4.dot_i16x8_s(p1, hi));
      h2 = i32x4.add(h2, i32x4.dot_i16x8_s(p2, hi));
      h3 = i32x4.add(h3, i32x4.dot_i16x8_s(p3, hi));
      if (mode == SPLIT) {
        const lo = v128.load(group, 16);
        l0 = i32x4.add(l0, i32x4.dot_i16x8_s(p0, lo));
        l1 = i32x4.add(l1, i32x4.dot_i16x8_s(p1, lo));
        l2 = i32x4.add(l2, i32x4.dot_i16x8_s(p2, lo));
        l3 = i32x4.add(l3, i32x4.dot_i16x8_s(p3, lo));
      } else if (mode == OFFSET) {
        l0 = i16x8.add(l0, p0);
        l1 = i16x8.add(l1, p1);
        l2 = i16x8.add(l2, p2);
        l3 = i16x8.add(l3, p3);
      }
    }
    let sums: v128;
    if (mode == SPLIT) {
      h0 = i32x4.add(i32x4.shl(h0, 15), l0);
      h1 = i32x4.add(i32x4.shl(h1, 15), l1);
      h2 = i32x4.add(i32x4.shl(h2, 15), l2);
      h3 = i32x4.add(i32x4.shl(h3, 15), l3);
      sums = sums4(h0, h1, h2, h3);
    } else if (mode == OFFSET) {
      // Σ w·p = Σ (w − c)·p + c · Σ p over the taps read.
      const pixels = sums4(
        i32x4.extadd_pairwise_i16x8_u(l0),
        i32x4.extadd_pairwise_i16x8_u(l1),
        i32x4.extadd_pairwise_i16x8_u(l2),
        i32x4.extadd_pairwise_i16x8_u(l3),
      );
      const c = i32x4.splat(load<i32>(offsets + ((<usize>xx) << 2)));
      sums = i32x4.add(sums4(h0, h1, h2, h3), i32x4.mul(pixels, c));
    } else {
      sums = sums4(h0, h1, h2, h3);
    }
    storeClipped4(tmp + ((<usize>xx) << 2), sums);
  }
}

/** `quadRows` over rows of R, in the weight layout `mode` names. */
function quadRowsIn<R>(
  mode: i32,
  r0: usize,
  r1: usize,
  r2: usize,
  r3: usize,
  first: usize,
  count: usize,
  weights: usize,
  offsets: usize,
  ksize: i32,
  outWidth: i32,
  tmp: usize,
): void {
  if (mode == NARROW) quadRows<i16, R>(r0, r1, r2, r3, first, count, weights, offsets, ksize, outWidth, tmp);
  else if (mode == OFFSET) quadRows<u16, R>(r0, r1, r2, r3, first, count, weights, offsets, ksize, outWidth, tmp);
  else quadRows<i32, R>(r0, r1, r2, r3, first, count, weights, offsets, ksize, outWidth, tmp);
}

/** Rows 0..live-1 of the x-major `tmp` (4 bytes per x) written as rows of `outWidth` bytes from `out`. */
function scatterRows(tmp: usize, outWidth: i32, out: usize, live: i32): void {
  const stride = <usize>outWidth;
  let xx = 0;
  for (; xx + 4 <= outWidth; xx += 4) {
    const v = v128.load(tmp + ((<usize>xx) << 2));
    const t = i8x16.shuffle(v, v, 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    const to = out + <usize>xx;
    v128.store32_lane(to, t, 0);
    if (live > 1) v128.store32_lane(to + stride, t, 1);
    if (live > 2) v128.store32_lane(to + 2 * stride, t, 2);
    if (live > 3) v128.store32_lane(to + 3 * stride, t, 3);
  }
  for (; xx < outWidth; xx++) {
    for (let k = 0; k < live; k++)
      store<u8>(out + <usize>k * stride + <usize>xx, load<u8>(tmp + ((<usize>xx) << 2) + k));
  }
}

/** The bytes of `rowBuffer` that `horizontal` needs. */
export function horizontalBufferBytes(srcWidth: i32, outWidth: i32): usize {
  return 4 * rowStride(srcWidth) + (((<usize>outWidth) << 2) + 16);
}

/** Luma row buffers (u16) are this far apart: the row and 16 spare pixels, 16-byte aligned. */
function rowStride(srcWidth: i32): usize {
  return ((<usize>srcWidth + 23) & ~(<usize>7)) << 1;
}

/**
 * Horizontal pass: for `rows` source rows from `rowFirst`, output pixel x of each row is the clipped fixed-point sum
 * of count[x] source pixels from first[x] times weights[x*ksize ...]. Weights are read in groups of 8 (the caller
 * pads each window with zero weights up to a multiple of 8 inside ksize, and the source row with 8 spare bytes), as
 * `mode` says:
 * - SPLIT: each group as eight i16 w >> 15 then eight i16 w & 0x7fff; two 16-bit dot products give 2^15 · hi + lo =
 *   the sum, mod 2^32;
 * - NARROW: every weight fits in an i16 (large reductions), each group is its eight i16 weights: one dot product;
 * - OFFSET: every weight of window x is within an i16 of offsets[x] = c (moderate reductions, whose windows span
 *   less than 2^16 in weight, padding zeros included), each group is its eight i16 w − c: one dot product, plus the
 *   window's pixels summed in 16-bit lanes (at most 257 groups) for c · Σ p.
 * Rows go four at a time (the last group repeats its last row), sharing each weight load.
 * Source pixels are `step` bytes: grey (1) is read in place; RGB or RGBA (3, 4) rows are first turned into PIL's
 * convert("L") in `rowBuffer` (`horizontalBufferBytes`) as u16, so no full-size grey image is made and the dot
 * products load them without widening (measured 6–8% faster than widening bytes as they load).
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
  mode: i32,
  offsets: usize,
): void {
  const rowBytes = <usize>srcWidth * <usize>step;
  const stride = rowStride(srcWidth);
  const tmp = rowBuffer + 4 * stride;
  for (let y = 0; y < rows; y += 4) {
    const live = min(4, rows - y);
    let r0: usize = 0;
    let r1: usize = 0;
    let r2: usize = 0;
    let r3: usize = 0;
    for (let k = 0; k < live; k++) {
      let row = src + <usize>(y + k + rowFirst) * rowBytes;
      if (step != 1) {
        const buffer = rowBuffer + <usize>k * stride;
        lumaRow<u16>(row, srcWidth, step, buffer);
        // The last group of a window may read 7 pixels past the row: zeros, so the offset layout's sums stay small.
        v128.store(buffer + ((<usize>srcWidth) << 1), v128.splat<i32>(0));
        row = buffer;
      }
      if (k == 0) r0 = r1 = r2 = r3 = row;
      else if (k == 1) r1 = r2 = r3 = row;
      else if (k == 2) r2 = r3 = row;
      else r3 = row;
    }
    if (step == 1) quadRowsIn<u8>(mode, r0, r1, r2, r3, first, count, weights, offsets, ksize, outWidth, tmp);
    else quadRowsIn<u16>(mode, r0, r1, r2, r3, first, count, weights, offsets, ksize, outWidth, tmp);
    scatterRows(tmp, outWidth, out + <usize>y * <usize>outWidth, live);
  }
}

/**
 * Vertical pass: output row yy is the clipped fixed-point sum of count[yy] source rows from first[yy] - rowShift,
 * each times its weight; sixteen pixels of a row at a time with their sums in registers, then eight, the rest one by
 * one.
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
): void {
  const stride = <usize>width;
  for (let yy = 0; yy < outHeight; yy++) {
    const top = src + <usize>(load<i32>(first + ((<usize>yy) << 2)) - rowShift) * stride;
    const n = load<i32>(count + ((<usize>yy) << 2));
    const w = weights + ((<usize>yy * <usize>ksize) << 2);
    const outRow = out + <usize>yy * stride;
    let xx = 0;
    for (; xx + 16 <= width; xx += 16) {
      let a0 = i32x4.splat(HALF);
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      let row = top + <usize>xx;
      for (let y = 0; y < n; y++) {
        const wv = v128.load32_splat(w + ((<usize>y) << 2));
        const px = v128.load(row);
        const low = i16x8.extend_low_i8x16_u(px);
        const high = i16x8.extend_high_i8x16_u(px);
        a0 = i32x4.add(a0, i32x4.mul(i32x4.extend_low_i16x8_u(low), wv));
        a1 = i32x4.add(a1, i32x4.mul(i32x4.extend_high_i16x8_u(low), wv));
        a2 = i32x4.add(a2, i32x4.mul(i32x4.extend_low_i16x8_u(high), wv));
        a3 = i32x4.add(a3, i32x4.mul(i32x4.extend_high_i16x8_u(high), wv));
        row += stride;
      }
      const words01 = i16x8.narrow_i32x4_s(i32x4.shr_s(a0, PRECISION_BITS), i32x4.shr_s(a1, PRECISION_BITS));
      const words23 = i16x8.narrow_i32x4_s(i32x4.shr_s(a2, PRECISION_BITS), i32x4.shr_s(a3, PRECISION_BITS));
      v128.store(outRow + <usize>xx, i8x16.narrow_i16x8_u(words01, words23));
    }
    if (xx + 8 <= width) {
      // Eight more (aHash's and dHash's rows are 8 and 9 wide).
      let a0 = i32x4.splat(HALF);
      let a1 = a0;
      let row = top + <usize>xx;
      for (let y = 0; y < n; y++) {
        const wv = v128.load32_splat(w + ((<usize>y) << 2));
        const px = v128.load8x8_u(row);
        a0 = i32x4.add(a0, i32x4.mul(i32x4.extend_low_i16x8_u(px), wv));
        a1 = i32x4.add(a1, i32x4.mul(i32x4.extend_high_i16x8_u(px), wv));
        row += stride;
      }
      const words = i16x8.narrow_i32x4_s(i32x4.shr_s(a0, PRECISION_BITS), i32x4.shr_s(a1, PRECISION_BITS));
      v128.store64_lane(outRow + <usize>xx, i8x16.narrow_i16x8_u(words, words), 0);
      xx += 8;
    }
    for (; xx < width; xx++) {
      let acc = HALF;
      for (let y = 0; y < n; y++) {
        acc += <i32>load<u8>(top + <usize>y * stride + <usize>xx) * load<i32>(w + ((<usize>y) << 2));
      }
      store<u8>(outRow + <usize>xx, clip8(acc));
    }
  }
}
