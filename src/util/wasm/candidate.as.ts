// WebAssembly kernel (AssemblyScript, f64x2 SIMD) for the attack's candidate builder (src/attack/work-image.ts):
// round(clip(source + gains · d)) per RGB sample, d a bilinearly upsampled control grid or a float field plus
// separable trial terms, and the squared error of the result. Every value takes the JavaScript builder's double
// precision operations in the same order, so the bytes and the error are bit-identical to it (its oracle).
export { reserve } from './lib/scratch.as';

/** One 8-bit sample from v = source + gain · d: 0 at or under 0, 255 at or over 255, else trunc(v + 0.5). */
function quantise(v: f64): i32 {
  return v <= 0 ? 0 : v >= 255 ? 255 : <i32>(v + 0.5);
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
    const v = load<f64>(d + ((<usize>x) << 3));
    const r = <i32>load<u8>(s);
    const g = <i32>load<u8>(s, 1);
    const b = <i32>load<u8>(s, 2);
    const qr = quantise(<f64>r + gr * v);
    const qg = quantise(<f64>g + gg * v);
    const qb = quantise(<f64>b + gb * v);
    store<u8>(o, <u8>qr);
    store<u8>(o, <u8>qg, 1);
    store<u8>(o, <u8>qb, 2);
    sse += <f64>((qr - r) * (qr - r) + (qg - g) * (qg - g) + (qb - b) * (qb - b));
  }
  return sse;
}

/** max(−bound, min(bound, v)) per lane as Math.max/Math.min give it (NaN stays NaN, −0 stays −0) for bound ≥ 0. */
function clampPair(v: v128, bound: v128, negBound: v128): v128 {
  return f64x2.pmax(f64x2.pmin(v, bound), negBound);
}

/**
 * The candidate of a control grid θ (f64, rows `stride` apart) upsampled bilinearly: for row y, the grid row
 * scale · ((1 − wy) · θ[a] + wy · θ[b]) (a = yLo[y], b = a + 1 or a on a one-point axis), then per pixel
 * d = clamp(r0 + xW[x] · (r1 − r0), ±bound) between its points xLo[x] and xLo[x] + 1, added with the gains.
 * `pairs` holds (gx + 1) · 16 bytes and `d` width f64s of scratch. Returns the squared error over all samples.
 */
export function applyPattern(
  src: usize,
  out: usize,
  width: i32,
  height: i32,
  theta: usize,
  stride: i32,
  yGrid: i32,
  yLo: usize,
  yW: usize,
  xGrid: i32,
  xLo: usize,
  xW: usize,
  scale: f64,
  gr: f64,
  gg: f64,
  gb: f64,
  bound: f64,
  pairs: usize,
  d: usize,
): f64 {
  const hiBound = f64x2.splat(bound);
  const loBound = f64x2.splat(-bound);
  const rowBytes = <usize>width * 3;
  let sse: f64 = 0;
  for (let y = 0; y < height; y++) {
    const a = load<i32>(yLo + ((<usize>y) << 2));
    const b = yGrid == 1 ? a : a + 1;
    const wy = load<f64>(yW + ((<usize>y) << 3));
    const ta = theta + ((<usize>(a * stride)) << 3);
    const tb = theta + ((<usize>(b * stride)) << 3);
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
