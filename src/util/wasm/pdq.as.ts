// WebAssembly kernel (AssemblyScript, f32x4 SIMD) for PDQ's input stage: the nearest-neighbour sample and float
// luminance (src/hash/pdq/luma.ts), then the Jarosz tent filter and centre sampling to 64×64 (src/hash/pdq/jarosz.ts),
// with the same single-precision operations in the same order per value, so every float is bit-identical to those
// JavaScript functions (its oracle). Each box pass runs down columns, sixteen at a time in four f32x4 lanes groups,
// one independent float chain per column; passes along rows run down the columns of 16-row strips transposed in
// the core's L1 cache. Means are the reference's float divisions (multiplications where exact).
export { reserve } from './lib/scratch.as';

/**
 * 16 floats: planes keep rows padded to a whole number of these. The padding is filtered along with the image but
 * never read back; it starts as zeros (so that it never holds denormals, which are slow) and holds only box averages.
 */
const LANES = 16;

function padded(n: i32): i32 {
  return (n + LANES - 1) & ~(LANES - 1);
}

/** True when every pixel has R = G = B (or the image is single-channel): the reference then hashes the grey values. */
export function isGrey(src: usize, n: i32, step: i32): bool {
  if (step == 1) return true;
  const end = src + <usize>n * <usize>step;
  for (let p = src; p < end; p += <usize>step) {
    const r = load<u8>(p);
    if (r != load<u8>(p, 1) || r != load<u8>(p, 2)) return false;
  }
  return true;
}

/** Source byte offsets of the columns are 0, step, 2·step, ... (no column resampling), step 3 or 4. */
function contiguousColumns(cols: usize, outWidth: i32, step: i32): bool {
  if (step != 3 && step != 4) return false;
  for (let x = 0; x < outWidth; x++) if (load<i32>(cols + ((<usize>x) << 2)) != x * step) return false;
  return true;
}

/**
 * Four pixels' float luminance (R·wr + G·wg) + B·wb from the `step`-byte pixels at p (reads 16 bytes): each product
 * is the f32 product of the weight and the byte, the same float as the weight table's entry (the exact product
 * has at most 32 significant bits and is rounded once either way).
 */
function luma4(p: usize, step: i32, wr: v128, wg: v128, wb: v128): v128 {
  const v = v128.load(p);
  let r: v128, g: v128, b: v128;
  if (step == 4) {
    const byte = i32x4.splat(0xff);
    r = v128.and(v, byte);
    g = v128.and(i32x4.shr_u(v, 8), byte);
    b = v128.and(i32x4.shr_u(v, 16), byte);
  } else {
    r = i8x16.swizzle(v, i8x16(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1));
    g = i8x16.swizzle(v, i8x16(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1));
    b = i8x16.swizzle(v, i8x16(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1));
  }
  const rg = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(r), wr), f32x4.mul(f32x4.convert_i32x4_s(g), wg));
  return f32x4.add(rg, f32x4.mul(f32x4.convert_i32x4_s(b), wb));
}

/**
 * The float luminance of the nearest-neighbour sample (source row `rows[y]`, source byte offset `cols[x]` in it),
 * row-major with rows padded: colour (R[r] + G[g]) + B[b] in f32 from the three 256-entry f32 tables at `tables`,
 * grey the first byte. Colour rows read without column resampling go four pixels at a time (reading up to 16 bytes
 * past a row's last group of four: the source must be followed by that many bytes of memory).
 */
export function luma(
  src: usize,
  rowBytes: i32,
  rows: usize,
  cols: usize,
  outWidth: i32,
  outHeight: i32,
  grey: bool,
  tables: usize,
  out: usize,
): void {
  const stride = (<usize>padded(outWidth)) << 2;
  // Padding starts as zeros (every value is written when there is none).
  if ((outWidth | outHeight) & (LANES - 1)) memory.fill(out, 0, <usize>padded(outHeight) * stride);
  const step = rowBytes / max(outWidth, 1);
  const simd = !grey && rowBytes == outWidth * step && contiguousColumns(cols, outWidth, step);
  // Entry 1 of each table is the weight itself.
  const wr = f32x4.splat(load<f32>(tables, 4));
  const wg = f32x4.splat(load<f32>(tables, 1028));
  const wb = f32x4.splat(load<f32>(tables, 2052));
  for (let y = 0; y < outHeight; y++) {
    const row = src + <usize>load<i32>(rows + ((<usize>y) << 2)) * <usize>rowBytes;
    const o = out + <usize>y * stride;
    let x = 0;
    if (simd) {
      for (; x + 4 <= outWidth; x += 4) {
        v128.store(o + ((<usize>x) << 2), luma4(row + <usize>(x * step), step, wr, wg, wb));
      }
    }
    for (; x < outWidth; x++) {
      const p = row + <usize>load<i32>(cols + ((<usize>x) << 2));
      let v: f32;
      if (grey) {
        v = <f32>load<u8>(p);
      } else {
        const r = load<f32>(tables + ((<usize>load<u8>(p)) << 2));
        const g = load<f32>(tables + ((<usize>load<u8>(p, 1)) << 2), 1024);
        const b = load<f32>(tables + ((<usize>load<u8>(p, 2)) << 2), 2048);
        v = r + g + b;
      }
      store<f32>(o + ((<usize>x) << 2), v);
    }
  }
}

/** Stores s_i / n (f32 division, as the reference's `sum / count`) to the four f32x4 at `o`. */
function emitDiv(o: usize, s0: v128, s1: v128, s2: v128, s3: v128, n: v128): void {
  v128.store(o, f32x4.div(s0, n));
  v128.store(o, f32x4.div(s1, n), 16);
  v128.store(o, f32x4.div(s2, n), 32);
  v128.store(o, f32x4.div(s3, n), 48);
}

/** Stores s_i · inv to the four f32x4 at `o`: the division's float where inv = 1/n is a power of two (exact). */
function emitMul(o: usize, s0: v128, s1: v128, s2: v128, s3: v128, inv: v128): void {
  v128.store(o, f32x4.mul(s0, inv));
  v128.store(o, f32x4.mul(s1, inv), 16);
  v128.store(o, f32x4.mul(s2, inv), 32);
  v128.store(o, f32x4.mul(s3, inv), 48);
}

/** The position of sampled output row k (of 64, non-decreasing at `at`), or −1 past the last. */
function sampleAt(at: usize, k: usize): i32 {
  return k < 64 ? load<i32>(at + (k << 2)) : -1;
}

/**
 * One box pass down every column of a `length`-row plane whose rows are `stride` floats: each mean is the window
 * sum (grown, slid, shrunk exactly as `box1DFloat`) over its count, a float division as the reference's (a
 * multiplication by the reciprocal where the count is a power of two, which rounds the same exact quotient). With
 * `at` 0, output row p is the mean at position p; otherwise `at` holds 64 non-decreasing positions (i32) and output
 * row k is the mean at position at[k] (the running sums take every row as before; only the unsampled means are
 * skipped). Output rows are `stride` floats too.
 */
function boxDownColumns(input: usize, output: usize, length: i32, stride: i32, window: i32, at: usize): void {
  const half = (window + 2) >> 1;
  const lead = half - 1;
  const growing = window - half + 1;
  const full = length - window;
  const rowBytes = (<usize>stride) << 2;
  const n = f32x4.splat(<f32>window);
  const pow2 = (window & (window - 1)) == 0;
  const inv = f32x4.splat(<f32>1 / <f32>window);
  for (let c: usize = 0; c < rowBytes; c += 64) {
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    let s3 = f32x4.splat(0);
    let ri = input + c;
    let li = input + c;
    let count = 0;
    let p = 0;
    let k: usize = 0;
    let next = at == 0 ? 0 : sampleAt(at, 0);
    for (let i = 0; i < lead; i++, ri += rowBytes, count++) {
      s0 = f32x4.add(s0, v128.load(ri));
      s1 = f32x4.add(s1, v128.load(ri, 16));
      s2 = f32x4.add(s2, v128.load(ri, 32));
      s3 = f32x4.add(s3, v128.load(ri, 48));
    }
    for (let i = 0; i < growing; i++, ri += rowBytes, p++) {
      const r = f32x4.splat(<f32>++count);
      s0 = f32x4.add(s0, v128.load(ri));
      s1 = f32x4.add(s1, v128.load(ri, 16));
      s2 = f32x4.add(s2, v128.load(ri, 32));
      s3 = f32x4.add(s3, v128.load(ri, 48));
      if (at == 0) emitDiv(output + <usize>p * rowBytes + c, s0, s1, s2, s3, r);
      else for (; next == p; next = sampleAt(at, ++k)) emitDiv(output + k * rowBytes + c, s0, s1, s2, s3, r);
    }
    if (at == 0 && pow2) {
      for (let i = 0; i < full; i++, ri += rowBytes, li += rowBytes, p++) {
        s0 = f32x4.sub(f32x4.add(s0, v128.load(ri)), v128.load(li));
        s1 = f32x4.sub(f32x4.add(s1, v128.load(ri, 16)), v128.load(li, 16));
        s2 = f32x4.sub(f32x4.add(s2, v128.load(ri, 32)), v128.load(li, 32));
        s3 = f32x4.sub(f32x4.add(s3, v128.load(ri, 48)), v128.load(li, 48));
        emitMul(output + <usize>p * rowBytes + c, s0, s1, s2, s3, inv);
      }
    } else {
      for (let i = 0; i < full; i++, ri += rowBytes, li += rowBytes, p++) {
        s0 = f32x4.sub(f32x4.add(s0, v128.load(ri)), v128.load(li));
        s1 = f32x4.sub(f32x4.add(s1, v128.load(ri, 16)), v128.load(li, 16));
        s2 = f32x4.sub(f32x4.add(s2, v128.load(ri, 32)), v128.load(li, 32));
        s3 = f32x4.sub(f32x4.add(s3, v128.load(ri, 48)), v128.load(li, 48));
        if (at == 0) emitDiv(output + <usize>p * rowBytes + c, s0, s1, s2, s3, n);
        else for (; next == p; next = sampleAt(at, ++k)) emitDiv(output + k * rowBytes + c, s0, s1, s2, s3, n);
      }
    }
    for (let i = 0; i < lead; i++, li += rowBytes, p++) {
      const r = f32x4.splat(<f32>--count);
      s0 = f32x4.sub(s0, v128.load(li));
      s1 = f32x4.sub(s1, v128.load(li, 16));
      s2 = f32x4.sub(s2, v128.load(li, 32));
      s3 = f32x4.sub(s3, v128.load(li, 48));
      if (at == 0) emitDiv(output + <usize>p * rowBytes + c, s0, s1, s2, s3, r);
      else for (; next == p; next = sampleAt(at, ++k)) emitDiv(output + k * rowBytes + c, s0, s1, s2, s3, r);
    }
  }
}

/**
 * out (cols × rows, rows padded) = the transpose of in (rows × cols, cols padded), in 32×32 tiles of 4×4 f32x4
 * transposes. Tiles past the last row or column write only padding, or rows the planes' padded size leaves spare.
 */
function transpose(input: usize, output: usize, rows: i32, cols: i32): void {
  const inRow = (<usize>padded(cols)) << 2;
  const outRow = (<usize>padded(rows)) << 2;
  for (let ty = 0; ty < rows; ty += 32) {
    const yEnd = min(ty + 32, rows);
    for (let tx = 0; tx < cols; tx += 32) {
      const xEnd = min(tx + 32, cols);
      for (let y = ty; y < yEnd; y += 4) {
        const src = input + <usize>y * inRow;
        for (let x = tx; x < xEnd; x += 4) {
          const p = src + ((<usize>x) << 2);
          const r0 = v128.load(p);
          const r1 = v128.load(p + inRow);
          const r2 = v128.load(p + 2 * inRow);
          const r3 = v128.load(p + 3 * inRow);
          const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
          const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
          const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
          const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
          const q = output + <usize>x * outRow + ((<usize>y) << 2);
          v128.store(q, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
          v128.store(q + outRow, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
          v128.store(q + 2 * outRow, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
          v128.store(q + 3 * outRow, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
        }
      }
    }
  }
}

/** Rows of the plane one strip of a pass along rows takes at a time (its transposes stay in the core's L1 cache). */
const STRIP = 16;

/**
 * A box pass along the rows of the rows × cols plane at `input` (rows padded), STRIP rows at a time: the strip is
 * transposed to `t` (cols × STRIP), filtered down its columns into `u`, and transposed back into `output` (the same
 * layout as the input); with `at`, only the 64 sampled columns are kept, transposed into `output` as rows of 64.
 * `t` and `u` hold max(padded(cols), 64) × STRIP floats each.
 */
function boxAlongRows(
  input: usize,
  output: usize,
  rows: i32,
  cols: i32,
  window: i32,
  at: usize,
  t: usize,
  u: usize,
): void {
  const stride = (<usize>padded(cols)) << 2;
  for (let y = 0; y < rows; y += STRIP) {
    transpose(input + <usize>y * stride, t, STRIP, cols);
    boxDownColumns(t, u, cols, STRIP, window, at);
    if (at == 0) transpose(u, output + <usize>y * stride, cols, STRIP);
    else transpose(u, output + ((<usize>y) << 8), 64, STRIP);
  }
}

/**
 * PDQ's 64×64 downsample of the rows × cols luminance plane at `b` (as `luma` writes it): box passes along rows
 * (window `windowAlongRows`) and down columns (`windowAlongCols`), twice, then the values at rows `sampledRows[i]`
 * and columns `sampledCols[j]` to `out` (64 × 64 f32). The second pass along rows keeps only the sampled columns
 * (rows × 64), the second down columns only the sampled rows. `a` is a second plane of the same size, both at least
 * padded(rows) × max(padded(cols), 64) floats (both are overwritten), and `t` scratch for 2 · STRIP ·
 * max(padded(cols), 64) floats.
 */
export function downsample64(
  a: usize,
  b: usize,
  rows: i32,
  cols: i32,
  windowAlongRows: i32,
  windowAlongCols: i32,
  sampledRows: usize,
  sampledCols: usize,
  t: usize,
  out: usize,
): void {
  const rowsPadded = padded(rows);
  const colsPadded = padded(cols);
  const u = t + ((<usize>max(colsPadded, 64) * STRIP) << 2);
  if ((rows | cols) & (LANES - 1)) memory.fill(a, 0, (<usize>rowsPadded * <usize>max(colsPadded, 64)) << 2);
  boxAlongRows(b, a, rows, cols, windowAlongRows, 0, t, u);
  boxDownColumns(a, b, rows, colsPadded, windowAlongCols, 0);
  boxAlongRows(b, a, rows, cols, windowAlongRows, sampledCols, t, u);
  boxDownColumns(a, out, rows, 64, windowAlongCols, sampledRows);
}

/**
 * PDQ's partial DCT B = D · A · Dᵀ of the 64×64 `a` (src/hash/pdq/dct.ts): `d` is the 16×64 basis and `dt` its
 * 64×16 transpose, `t` 16×64 scratch, `out` 16×16. Per output the same f32 products and sums, in the same order.
 */
export function dct64To16(a: usize, d: usize, dt: usize, t: usize, out: usize): void {
  memory.fill(t, 0, 16 * 64 * 4);
  for (let i: usize = 0; i < 16; i++) {
    const tRow = t + i * 256;
    for (let k: usize = 0; k < 64; k++) {
      const dik = f32x4.splat(load<f32>(d + ((i * 64 + k) << 2)));
      const aRow = a + k * 256;
      for (let j: usize = 0; j < 256; j += 16) {
        v128.store(tRow + j, f32x4.add(v128.load(tRow + j), f32x4.mul(dik, v128.load(aRow + j))));
      }
    }
  }
  for (let i: usize = 0; i < 16; i++) {
    const tRow = t + i * 256;
    for (let j: usize = 0; j < 64; j += 16) {
      let sum = f32x4.splat(0);
      for (let k: usize = 0; k < 64; k++) {
        sum = f32x4.add(sum, f32x4.mul(f32x4.splat(load<f32>(tRow + (k << 2))), v128.load(dt + k * 64 + j)));
      }
      v128.store(out + i * 64 + j, sum);
    }
  }
}

/** |trunc(float(float(u − v) · 100) / 255)| per lane, as i32: one term of the quality metric, four pairs at a time. */
function gradient4(u: v128, v: v128): v128 {
  const d = f32x4.div(f32x4.mul(f32x4.sub(u, v), f32x4.splat(100)), f32x4.splat(255));
  return i32x4.abs(i32x4.trunc_sat_f32x4_s(d));
}

/**
 * PDQ's quality metric of the 64×64 `a` (src/hash/pdq/quality.ts): the same float steps per neighbour pair, four
 * pairs at a time (vertical pairs down four columns, horizontal pairs at four offsets of a row, the row's last three
 * one by one), then the integer score. The terms are integers, so their order does not change the sum.
 */
export function quality(a: usize): i32 {
  let acc = i32x4.splat(0);
  for (let i: usize = 0; i < 63; i++) {
    const row = a + (i << 8);
    for (let j: usize = 0; j < 256; j += 16)
      acc = i32x4.add(acc, gradient4(v128.load(row + j), v128.load(row + j, 256)));
  }
  let sum = 0;
  for (let i: usize = 0; i < 64; i++) {
    const row = a + (i << 8);
    for (let j: usize = 0; j < 240; j += 16) acc = i32x4.add(acc, gradient4(v128.load(row + j), v128.load(row + j, 4)));
    for (let j: usize = 240; j < 252; j += 4) {
      sum += abs(<i32>(((load<f32>(row + j) - load<f32>(row + j, 4)) * 100) / 255));
    }
  }
  sum +=
    i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  return min(100, sum / 90);
}
