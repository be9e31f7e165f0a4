// WebAssembly kernel (AssemblyScript, f64x2 SIMD) for the attack's candidate builder (src/attack/work-image.ts):
// round(clip(source + gains · d)) per RGB sample, d a bilinearly upsampled control grid or a float field plus
// separable trial terms, and the squared error of the result. Every value takes the JavaScript builder's double
// precision operations in the same order, so the bytes and the error are bit-identical to it (its oracle).
export { reserve } from './lib/scratch.as';

/** One 8-bit sample from v = source + gain · d: 0 at or under 0, 255 at or over 255, else trunc(v + 0.5). */
function quantise(v: f64): i32 {
  return v <= 0 ? 0 : v >= 255 ? 255 : <i32>(v + 0.5);
}

/** The three samples of source + gains · v at s, each as `quantise` gives it, packed R | G << 8 | B << 16. */
function quantise3(s: usize, v: f64, gr: f64, gg: f64, gb: f64): i32 {
  const r = quantise(<f64>load<u8>(s) + gr * v);
  const g = quantise(<f64>load<u8>(s, 1) + gg * v);
  return r | (g << 8) | (quantise(<f64>load<u8>(s, 2) + gb * v) << 16);
}

/** The squared error of the packed samples q against the three bytes at s. */
function error3(s: usize, q: i32): f64 {
  const r = (q & 255) - <i32>load<u8>(s);
  const g = ((q >> 8) & 255) - <i32>load<u8>(s, 1);
  const b = (q >> 16) - <i32>load<u8>(s, 2);
  return <f64>(r * r + g * g + b * b);
}

/** 2^52: an integer-valued f64 in [0, 2^31) plus this one holds the integer in its low 32 bits. */
const MAGIC: f64 = 4503599627370496;

/**
 * The samples of one pair of lanes: trunc(v + 0.5) for v = source + gain · d, clamped to 0..255 (pmax/pmin map NaN
 * to 0 as the JavaScript comparisons do, and v ≤ 0 to 0), as integers in the low words of f64 lanes.
 */
function samplePair(c: v128, gain: v128, d: v128): v128 {
  const v = f64x2.add(f64x2.add(f64x2.convert_low_i32x4_s(c), f64x2.mul(gain, d)), f64x2.splat(0.5));
  const clamped = f64x2.pmin(f64x2.pmax(f64x2.splat(0), v), f64x2.splat(255));
  return f64x2.add(f64x2.floor(clamped), f64x2.splat(MAGIC));
}

/**
 * Writes source + gains · d[x] for the `count` pixels at `src` into `out`, rounded and clipped to 8 bits as
 * `quantise` does, and returns their squared error. Four pixels (twelve samples, six f64x2 pairs) at a time, the
 * rest one by one; reads four bytes past the last group of four (the caller keeps them in memory).
 */
function putRow(src: usize, out: usize, d: usize, count: i32, gr: f64, gg: f64, gb: f64): f64 {
  // Sample pairs of four pixels: (r0 g0) (b0 r1) (g1 b1) (r2 g2) (b2 r3) (g3 b3).
  const g0 = f64x2(gr, gg);
  const g1 = f64x2(gb, gr);
  const g2 = f64x2(gg, gb);
  let acc = i32x4.splat(0);
  let sse: f64 = 0;
  let x = 0;
  let groups = 0;
  for (; x + 4 <= count; x += 4) {
    const bytes = v128.load(src + <usize>x * 3);
    const lo16 = i16x8.extend_low_i8x16_u(bytes);
    const c0 = i32x4.extend_low_i16x8_u(lo16);
    const c1 = i32x4.extend_high_i16x8_u(lo16);
    const c2 = i32x4.extend_low_i16x8_u(i16x8.extend_high_i8x16_u(bytes));
    const d01 = v128.load(d + ((<usize>x) << 3));
    const d23 = v128.load(d + ((<usize>x) << 3), 16);
    const q0 = samplePair(c0, g0, f64x2.shuffle(d01, d01, 0, 0));
    const q1 = samplePair(i32x4.shuffle(c0, c0, 2, 3, 0, 1), g1, d01);
    const q2 = samplePair(c1, g2, f64x2.shuffle(d01, d01, 1, 1));
    const q3 = samplePair(i32x4.shuffle(c1, c1, 2, 3, 0, 1), g0, f64x2.shuffle(d23, d23, 0, 0));
    const q4 = samplePair(c2, g1, d23);
    const q5 = samplePair(i32x4.shuffle(c2, c2, 2, 3, 0, 1), g2, f64x2.shuffle(d23, d23, 1, 1));
    const r0 = i32x4.shuffle(q0, q1, 0, 2, 4, 6);
    const r1 = i32x4.shuffle(q2, q3, 0, 2, 4, 6);
    const r2 = i32x4.shuffle(q4, q5, 0, 2, 4, 6);
    const e0 = i32x4.sub(r0, c0);
    const e1 = i32x4.sub(r1, c1);
    const e2 = i32x4.sub(r2, c2);
    acc = i32x4.add(acc, i32x4.add(i32x4.add(i32x4.mul(e0, e0), i32x4.mul(e1, e1)), i32x4.mul(e2, e2)));
    const packed = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(r0, r1), i16x8.narrow_i32x4_u(r2, r2));
    const o = out + <usize>x * 3;
    v128.store64_lane(o, packed, 0);
    v128.store32_lane(o, packed, 2, 8);
    // Each lane gains at most 3 · 255² per group: flush long before an i32 lane could overflow.
    if (++groups == 2048) {
      sse += <f64>(
        (i32x4.extract_lane(acc, 0) +
          i32x4.extract_lane(acc, 1) +
          i32x4.extract_lane(acc, 2) +
          i32x4.extract_lane(acc, 3))
      );
      acc = i32x4.splat(0);
      groups = 0;
    }
  }
  sse += <f64>(
    (i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3))
  );
  for (; x < count; x++) {
    const s = src + <usize>x * 3;
    const o = out + <usize>x * 3;
    const q = quantise3(s, load<f64>(d + ((<usize>x) << 3)), gr, gg, gb);
    store<u16>(o, <u16>q);
    store<u8>(o, <u8>(q >> 16), 2);
    sse += error3(s, q);
  }
  return sse;
}

/** max(−bound, min(bound, v)) per lane as Math.max/Math.min give it (NaN stays NaN, −0 stays −0) for bound ≥ 0. */
function clampPair(v: v128, bound: v128, negBound: v128): v128 {
  return f64x2.pmax(f64x2.pmin(v, bound), negBound);
}

/**
 * A control-grid pattern as the caller lays it out (src/attack/candidate-kernel.ts): 15 f64s at these offsets, the
 * addresses and counts among them exact. θ is f64 with rows `stride` apart; yLo/xLo (i32) and yW/xW (f64) are the
 * axes' bilinear points and weights; `pairs` is (gx + 1) · 16 bytes of scratch, `rows` what `patternLuma` needs.
 */
const SCALE = 0;
const GR = 8;
const GG = 16;
const GB = 24;
const BOUND = 32;
const THETA = 40;
const STRIDE = 48;
const Y_GRID = 56;
const Y_LO = 64;
const Y_W = 72;
const X_GRID = 80;
const X_LO = 88;
const X_W = 96;
const PAIRS = 104;
const ROWS = 112;

/** Grid row `a` of the pattern (its address). */
function gridRow(args: usize, a: i32): usize {
  return <usize>load<f64>(args, THETA) + ((<usize>(a * <i32>load<f64>(args, STRIDE))) << 3);
}

/** The upper of image row y's two grid rows, yLo[y]. */
function rowPoints(args: usize, y: i32): i32 {
  return load<i32>(<usize>load<f64>(args, Y_LO) + ((<usize>y) << 2));
}

/**
 * Row y of the pattern's perturbation, into `d` (width f64s): the grid row scale · ((1 − wy) · θ[a] + wy · θ[b])
 * (a = yLo[y], b = a + 1 or a on a one-point axis), then per pixel clamp(r0 + xW[x] · (r1 − r0), ±bound) between its
 * points xLo[x] and xLo[x] + 1.
 */
function patternRow(y: i32, width: i32, args: usize, d: usize): void {
  const a = rowPoints(args, y);
  const b = <i32>load<f64>(args, Y_GRID) == 1 ? a : a + 1;
  const wy = load<f64>(<usize>load<f64>(args, Y_W) + ((<usize>y) << 3));
  upsampleRow(
    gridRow(args, a),
    gridRow(args, b),
    wy,
    <i32>load<f64>(args, X_GRID),
    <usize>load<f64>(args, X_LO),
    <usize>load<f64>(args, X_W),
    load<f64>(args, SCALE),
    load<f64>(args, BOUND),
    <usize>load<f64>(args, PAIRS),
    d,
    width,
  );
}

/** `patternRow` between the grid rows at `ta` and `tb` (f64) at weight wy. */
function upsampleRow(
  ta: usize,
  tb: usize,
  wy: f64,
  xGrid: i32,
  xLo: usize,
  xW: usize,
  scale: f64,
  bound: f64,
  pairs: usize,
  d: usize,
  width: i32,
): void {
  const hiBound = f64x2.splat(bound);
  const loBound = f64x2.splat(-bound);
  // pairs[k] = (row[k], row[k + 1] − row[k]), with row[gx] = row[gx − 1] (a one-point axis interpolates with itself).
  let prev = scale * ((1 - wy) * load<f64>(ta) + wy * load<f64>(tb));
  for (let k = 0; k < xGrid; k++) {
    const kk = (<usize>k) << 3;
    const next = k + 1 < xGrid ? scale * ((1 - wy) * load<f64>(ta + kk, 8) + wy * load<f64>(tb + kk, 8)) : prev;
    store<f64>(pairs + ((<usize>k) << 4), prev);
    store<f64>(pairs + ((<usize>k) << 4), next - prev, 8);
    prev = next;
  }
  let x = 0;
  for (; x + 2 <= width; x += 2) {
    const p0 = v128.load(pairs + ((<usize>load<i32>(xLo + ((<usize>x) << 2))) << 4));
    const p1 = v128.load(pairs + ((<usize>load<i32>(xLo + ((<usize>x) << 2), 4)) << 4));
    const w = v128.load(xW + ((<usize>x) << 3));
    const v = f64x2.add(f64x2.shuffle(p0, p1, 0, 2), f64x2.mul(w, f64x2.shuffle(p0, p1, 1, 3)));
    v128.store(d + ((<usize>x) << 3), clampPair(v, hiBound, loBound));
  }
  for (; x < width; x++) {
    const p = pairs + ((<usize>load<i32>(xLo + ((<usize>x) << 2))) << 4);
    const r0 = load<f64>(p);
    const v = r0 + load<f64>(xW + ((<usize>x) << 3)) * load<f64>(p, 8);
    store<f64>(d + ((<usize>x) << 3), max(-bound, min(bound, v)));
  }
}

/**
 * The candidate of the pattern at `args` (`patternRow`), added with the gains; `d` is width f64s of scratch. Returns
 * the squared error over all samples.
 */
export function applyPattern(src: usize, out: usize, width: i32, height: i32, args: usize, d: usize): f64 {
  const rowBytes = <usize>width * 3;
  const gr = load<f64>(args, GR);
  const gg = load<f64>(args, GG);
  const gb = load<f64>(args, GB);
  let sse: f64 = 0;
  for (let y = 0; y < height; y++) {
    patternRow(y, width, args, d);
    const o = <usize>y * rowBytes;
    sse += putRow(src + o, out + o, d, width, gr, gg, gb);
  }
  return sse;
}

/**
 * The candidate of a float field (f32, width × height) plus `trials` separable terms: term t adds a_t · cy_t[y] ·
 * cx_t[x] to the field, rounded to f32 after each term (skipped on rows where a_t · cy_t[y] is 0); then
 * d = clamp(field · scale, ±bound), added with the gains. `amps` holds the a_t (f64), `cys` the cy_t (trials ×
 * height f32) and `cxs` the cx_t (trials × width f32); `d` is width f64s of scratch. Returns the squared error.
 */
export function applyField(
  src: usize,
  out: usize,
  width: i32,
  height: i32,
  field: usize,
  trials: i32,
  amps: usize,
  cys: usize,
  cxs: usize,
  scale: f64,
  gr: f64,
  gg: f64,
  gb: f64,
  bound: f64,
  d: usize,
): f64 {
  const rowBytes = <usize>width * 3;
  const s2 = f64x2.splat(scale);
  const hiBound = f64x2.splat(bound);
  const loBound = f64x2.splat(-bound);
  let sse: f64 = 0;
  for (let y = 0; y < height; y++) {
    const f = field + ((<usize>y * <usize>width) << 2);
    // The field row, as f64 in `d`, each term added in f64 and rounded to f32 as the Float32Array store does.
    let x = 0;
    for (; x + 2 <= width; x += 2)
      v128.store(d + ((<usize>x) << 3), f64x2.promote_low_f32x4(v128.load64_zero(f + ((<usize>x) << 2))));
    for (; x < width; x++) store<f64>(d + ((<usize>x) << 3), <f64>load<f32>(f + ((<usize>x) << 2)));
    for (let t = 0; t < trials; t++) {
      const k = load<f64>(amps + ((<usize>t) << 3)) * <f64>load<f32>(cys + ((<usize>(t * height + y)) << 2));
      if (k == 0) continue;
      const k2 = f64x2.splat(k);
      const cx = cxs + ((<usize>t * <usize>width) << 2);
      x = 0;
      for (; x + 2 <= width; x += 2) {
        const at = d + ((<usize>x) << 3);
        const sum = f64x2.add(
          v128.load(at),
          f64x2.mul(k2, f64x2.promote_low_f32x4(v128.load64_zero(cx + ((<usize>x) << 2)))),
        );
        v128.store(at, f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(sum)));
      }
      for (; x < width; x++) {
        const at = d + ((<usize>x) << 3);
        store<f64>(at, <f64>(<f32>(load<f64>(at) + k * <f64>load<f32>(cx + ((<usize>x) << 2)))));
      }
    }
    x = 0;
    for (; x + 2 <= width; x += 2) {
      const at = d + ((<usize>x) << 3);
      v128.store(at, clampPair(f64x2.mul(v128.load(at), s2), hiBound, loBound));
    }
    for (; x < width; x++) {
      const at = d + ((<usize>x) << 3);
      store<f64>(at, max(-bound, min(bound, load<f64>(at) * scale)));
    }
    const o = <usize>y * rowBytes;
    sse += putRow(src + o, out + o, d, width, gr, gg, gb);
  }
  return sse;
}

// PDQ fused with the builder: the candidate's float luminance without its pixels (src/attack/candidate-kernel.ts
// hashes it with PDQ's stages, re-exported here so that they run on this memory).
export { downsample64, dct64To16, quality } from './pdq.as';

/**
 * One pixel exactly as `putRow` writes it and as PDQ's luma reads it: the float luminance of the rounded, clipped
 * samples of source + gains · v at `out` ((R·wr + G·wg) + B·wb in f32, or R for a grey image), a non-grey pixel
 * noted at `colour`; returns the squared error of the three samples.
 */
function lumaPixel(s: usize, v: f64, gr: f64, gg: f64, gb: f64, w: v128, grey: bool, out: usize, colour: usize): f64 {
  const q = quantise3(s, v, gr, gg, gb);
  const qr = <f32>(q & 255);
  const qg = <f32>((q >> 8) & 255);
  const qb = <f32>(q >> 16);
  const luma = qr * f32x4.extract_lane(w, 0) + qg * f32x4.extract_lane(w, 1) + qb * f32x4.extract_lane(w, 2);
  store<f32>(out, grey ? qr : luma);
  if (qr != qg || qg != qb) store<i32>(colour, 1);
  return error3(s, q);
}

/** The sum of the four lanes, in f64 (exact for the integer-valued partial sums below 2^24 each). */
function lanes(v: v128): f64 {
  return (
    <f64>f32x4.extract_lane(v, 0) +
    <f64>f32x4.extract_lane(v, 1) +
    <f64>f32x4.extract_lane(v, 2) +
    <f64>f32x4.extract_lane(v, 3)
  );
}

/** Pixel x's d of `patternRow` (grid rows ta, tb at weight wy), computed alone: the same f64 operations. */
function patternAt(x: i32, ta: usize, tb: usize, wy: f64, args: usize): f64 {
  const xGrid = <i32>load<f64>(args, X_GRID);
  const scale = load<f64>(args, SCALE);
  const bound = load<f64>(args, BOUND);
  const k = load<i32>(<usize>load<f64>(args, X_LO) + ((<usize>x) << 2));
  const kk = (<usize>k) << 3;
  const r0 = scale * ((1 - wy) * load<f64>(ta + kk) + wy * load<f64>(tb + kk));
  const r1 = k + 1 < xGrid ? scale * ((1 - wy) * load<f64>(ta + kk, 8) + wy * load<f64>(tb + kk, 8)) : r0;
  return max(-bound, min(bound, r0 + load<f64>(<usize>load<f64>(args, X_W) + ((<usize>x) << 3)) * (r1 - r0)));
}

/**
 * `applyPattern` fused with PDQ's luma: the candidate's luminance plane (f32, rows padded to 16 floats, padding
 * zero) to `luma` instead of its pixels, `colour` (i32) set to 1 when a pixel is not grey (not looked for when
 * `grey`: the source is grey and the gains equal, so the luma is R). Returns the squared error over all samples.
 *
 * Four pixels at a time in f32: d from the grid rows upsampled along x once per call (`rows`: yGrid rows of
 * padded(width) floats, then their differences down the grid), per sample K = nearest(float(g) · d) and the sample
 * min(255, max(0, c + K)). That is the f64 builder's trunc(c + g·d + 0.5) whenever float(g) · d is more than `lim`
 * below one half from K: its error is under 2^-19 |g| scale max|θ|, and the caller's `lim` leaves twice that and
 * 2^-20 more. A group with a sample nearer to a half takes the f64 path (`patternAt`, `lumaPixel`).
 */
export function patternLuma(
  src: usize,
  width: i32,
  height: i32,
  args: usize,
  lim: f32,
  wr: f32,
  wg: f32,
  wb: f32,
  grey: bool,
  luma: usize,
  colour: usize,
): f64 {
  const yGrid = <i32>load<f64>(args, Y_GRID);
  const xGrid = <i32>load<f64>(args, X_GRID);
  const xLo = <usize>load<f64>(args, X_LO);
  const xW = <usize>load<f64>(args, X_W);
  const scale = load<f64>(args, SCALE);
  const gr = load<f64>(args, GR);
  const gg = load<f64>(args, GG);
  const gb = load<f64>(args, GB);
  const bound = load<f64>(args, BOUND);
  const pairs = <usize>load<f64>(args, PAIRS);
  const rows = <usize>load<f64>(args, ROWS);
  const lumaStride = (<usize>((width + 15) & ~15)) << 2;
  if ((width | height) & 15) memory.fill(luma, 0, <usize>((height + 15) & ~15) * lumaStride);
  store<i32>(colour, 0);
  // The grid rows upsampled along x (f32), then each one's step to the next (0 for the last).
  const rowStride = lumaStride;
  const steps = rows + <usize>yGrid * rowStride;
  for (let j = 0; j < yGrid; j++) {
    const tj = gridRow(args, j);
    upsampleRow(tj, tj, 0, xGrid, xLo, xW, scale, Infinity, pairs, pairs + ((<usize>(xGrid + 1)) << 4), width);
    const r = rows + <usize>j * rowStride;
    const d = pairs + ((<usize>(xGrid + 1)) << 4);
    for (let x = 0; x < width; x++) store<f32>(r + ((<usize>x) << 2), <f32>load<f64>(d + ((<usize>x) << 3)));
  }
  for (let j = 0; j < yGrid; j++) {
    const r = rows + <usize>j * rowStride;
    const o = steps + <usize>j * rowStride;
    for (let x: usize = 0; x < <usize>width; x += 4) {
      const at = r + (x << 2);
      v128.store(o + (x << 2), j + 1 < yGrid ? f32x4.sub(v128.load(at + rowStride), v128.load(at)) : f32x4.splat(0));
    }
  }
  const w = f32x4(wr, wg, wb, 0);
  const g0 = f32x4.splat(<f32>gr);
  const g1 = f32x4.splat(<f32>gg);
  const g2 = f32x4.splat(<f32>gb);
  const vwr = f32x4.splat(wr);
  const vwg = f32x4.splat(wg);
  const vwb = f32x4.splat(wb);
  const limit = f32x4.splat(lim);
  const hi = f32x4.splat(<f32>bound);
  const lo = f32x4.splat(-(<f32>bound));
  const zero = f32x4.splat(0);
  const top = f32x4.splat(255);
  const rowBytes = <usize>width * 3;
  let sse: f64 = 0;
  let exact: f64 = 0;
  for (let y = 0; y < height; y++) {
    const a = rowPoints(args, y);
    const wy = load<f64>(<usize>load<f64>(args, Y_W) + ((<usize>y) << 3));
    const ta = gridRow(args, a);
    const tb = gridRow(args, yGrid == 1 ? a : a + 1);
    const ra = rows + <usize>a * rowStride;
    const sa = steps + <usize>a * rowStride;
    const wyv = f32x4.splat(<f32>wy);
    const src0 = src + <usize>y * rowBytes;
    const out0 = luma + <usize>y * lumaStride;
    const track = !grey && load<i32>(colour) == 0;
    let acc = f32x4.splat(0);
    let differs = i32x4.splat(0);
    let groups = 0;
    let x = 0;
    for (; x + 4 <= width; x += 4) {
      const xb = (<usize>x) << 2;
      const dv = f32x4.pmax(f32x4.pmin(f32x4.add(v128.load(ra + xb), f32x4.mul(wyv, v128.load(sa + xb))), hi), lo);
      const tr = f32x4.mul(g0, dv);
      const kr = f32x4.nearest(tr);
      let worst = f32x4.abs(f32x4.sub(tr, kr));
      let kg = kr;
      let kb = kr;
      if (!grey) {
        const tg = f32x4.mul(g1, dv);
        const tb2 = f32x4.mul(g2, dv);
        kg = f32x4.nearest(tg);
        kb = f32x4.nearest(tb2);
        worst = f32x4.pmax(worst, f32x4.pmax(f32x4.abs(f32x4.sub(tg, kg)), f32x4.abs(f32x4.sub(tb2, kb))));
      }
      const s = src0 + <usize>x * 3;
      const o = out0 + xb;
      if (i32x4.bitmask(f32x4.lt(worst, limit)) != 15) {
        for (let i = 0; i < 4; i++) {
          const v = patternAt(x + i, ta, tb, wy, args);
          exact += lumaPixel(s + <usize>i * 3, v, gr, gg, gb, w, grey, o + ((<usize>i) << 2), colour);
        }
        continue;
      }
      const bytes = v128.load(s);
      const cr = f32x4.convert_i32x4_s(
        i8x16.swizzle(bytes, i8x16(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1)),
      );
      const qr = f32x4.pmin(f32x4.pmax(f32x4.add(cr, kr), zero), top);
      const er = f32x4.sub(qr, cr);
      if (grey) {
        acc = f32x4.add(acc, f32x4.mul(er, er));
        v128.store(o, qr);
      } else {
        const cg = f32x4.convert_i32x4_s(
          i8x16.swizzle(bytes, i8x16(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1)),
        );
        const cb = f32x4.convert_i32x4_s(
          i8x16.swizzle(bytes, i8x16(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1)),
        );
        const qg = f32x4.pmin(f32x4.pmax(f32x4.add(cg, kg), zero), top);
        const qb = f32x4.pmin(f32x4.pmax(f32x4.add(cb, kb), zero), top);
        const eg = f32x4.sub(qg, cg);
        const eb = f32x4.sub(qb, cb);
        acc = f32x4.add(acc, f32x4.add(f32x4.add(f32x4.mul(er, er), f32x4.mul(eg, eg)), f32x4.mul(eb, eb)));
        if (track) differs = v128.or(differs, v128.or(f32x4.ne(qr, qg), f32x4.ne(qg, qb)));
        v128.store(o, f32x4.add(f32x4.add(f32x4.mul(qr, vwr), f32x4.mul(qg, vwg)), f32x4.mul(qb, vwb)));
      }
      // A lane gains at most 3 · 255² per group: summed exactly in f32 while under 2^24, so flushed every 16 groups.
      if (++groups == 16) {
        sse += lanes(acc);
        acc = f32x4.splat(0);
        groups = 0;
      }
    }
    sse += lanes(acc);
    if (v128.any_true(differs)) store<i32>(colour, 1);
    for (; x < width; x++) {
      const v = patternAt(x, ta, tb, wy, args);
      exact += lumaPixel(src0 + <usize>x * 3, v, gr, gg, gb, w, grey, out0 + ((<usize>x) << 2), colour);
    }
  }
  // Grey: the f32 groups summed one channel's error of three equal ones.
  return (grey ? 3 * sse : sse) + exact;
}
