// WebAssembly kernel (AssemblyScript) for imagehash's colorhash counts in one SIMD pass over 8-bit pixels, sixteen at
// a time: PIL's convert("L") for the black test and PIL's integer convert("HSV") (Convert.c rgb2hsv_row) for the
// saturation and hue bins, each decided by integer comparisons that give exactly what the single-precision steps of
// the JavaScript path (src/hash/imagehash/colorhash.ts, its oracle) give, for every one of the 2^24 colours:
// - black: L < 32, i.e. 19595 R + 38470 G + 7471 B < 32 · 65536 − 0x8000 (32-bit lanes);
// - saturation s = trunc(f32((max − min) / max) · 255): f32 rounding moves a quotient of bytes across an integer
//   s only where the quotient is k/255, and there it rounds up for 85, 170 and 171, so with min and range = max − min,
//   s < 85 ⟺ 2 · range < min, s < 170 ⟺ 2 · min > range, and s > 170 ⟺ 28 · (range − 2 · min) ≥ min;
// - hue bin floor(hue byte / 42.5), 42.5 wide = one sixth of the colour circle: the sector the channel order names
//   (0: R max, G ≥ B; 1: G max, B < R; 2: G max; 3: B max, R < G; 4: B max; 5: R max, G < B), except that hue bytes
//   truncate, so the first half-byte of an odd sector falls in the bin below: when 85 · (max − mid) < range.
export { reserve } from './lib/scratch.as';

// Sixteen interleaved RGB or RGBA pixels to one byte plane per channel.

/**
 * One channel of 16 RGB pixels whose 48 bytes are v0, v1, v2: each vector's bytes of that channel moved into place by
 * a one-input byte swizzle with constant indices (−1 gives 0), then or-ed: one byte-shuffle instruction each on
 * x64, where V8 builds a general two-input shuffle from several; with the hue-bin table below, the kernel measured
 * 11% faster than with two two-input shuffles a plane.
 */
function rgbPlane(v0: v128, v1: v128, v2: v128, m0: v128, m1: v128, m2: v128): v128 {
  return v128.or(v128.or(i8x16.swizzle(v0, m0), i8x16.swizzle(v1, m1)), i8x16.swizzle(v2, m2));
}

const RED0 = i8x16(0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
const RED1 = i8x16(-1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14, -1, -1, -1, -1, -1);
const RED2 = i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 4, 7, 10, 13);
const GREEN0 = i8x16(1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
const GREEN1 = i8x16(-1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1);
const GREEN2 = i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14);
const BLUE0 = i8x16(2, 5, 8, 11, 14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
const BLUE1 = i8x16(-1, -1, -1, -1, -1, 1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1);
const BLUE2 = i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15);

/** Red (low half) and green (high half) of 8 RGBA pixels whose 32 bytes are a, b. */
function rgbaRedGreen8(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
}

/** Blue (low half) and alpha (high half) of 8 RGBA pixels whose 32 bytes are a, b. */
function rgbaBlueAlpha8(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 23, 27, 31);
}

/** The low halves of a and b (one channel of 16 RGBA pixels from two rgbaRedGreen8 / rgbaBlueAlpha8 results). */
function lowHalves(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

/** The high halves of a and b. */
function highHalves(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
}

/** 19595 R + 38470 G + 7471 B below this is PIL luma below 32 (black). */
const BLACK_SUM_BELOW = 32 * 65536 - 0x8000;

/** Lanes of 8 pixels (channels in u16 lanes) where PIL's luma is below 32 (all ones in i16), else 0. */
function blackOf8(r16: v128, g16: v128, b16: v128): v128 {
  const wr = i16x8.splat(19595);
  const wg = i16x8.splat(<i16>38470);
  const wb = i16x8.splat(7471);
  const below = i32x4.splat(BLACK_SUM_BELOW);
  const lo = i32x4.add(
    i32x4.add(i32x4.extmul_low_i16x8_u(r16, wr), i32x4.extmul_low_i16x8_u(g16, wg)),
    i32x4.extmul_low_i16x8_u(b16, wb),
  );
  const hi = i32x4.add(
    i32x4.add(i32x4.extmul_high_i16x8_u(r16, wr), i32x4.extmul_high_i16x8_u(g16, wg)),
    i32x4.extmul_high_i16x8_u(b16, wb),
  );
  return i16x8.narrow_i32x4_s(i32x4.lt_s(lo, below), i32x4.lt_s(hi, below));
}

/** Lanes of 16 pixels where PIL's luma is below 32 (all ones), else 0. */
function black16(r: v128, g: v128, b: v128): v128 {
  const lo = blackOf8(i16x8.extend_low_i8x16_u(r), i16x8.extend_low_i8x16_u(g), i16x8.extend_low_i8x16_u(b));
  const hi = blackOf8(i16x8.extend_high_i8x16_u(r), i16x8.extend_high_i8x16_u(g), i16x8.extend_high_i8x16_u(b));
  return i8x16.narrow_i16x8_s(lo, hi);
}

/** Byte lanes summed into the i32x4 total at `at` (lanes added pairwise, so no byte count overflows). */
function flush(at: usize, acc: v128): void {
  v128.store(at, i32x4.add(v128.load(at), i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(acc))));
}

/**
 * The counts of `blocks` blocks of 16 pixels (the last from `tail`), `step` bytes a pixel, added as i32x4 lanes to
 * the 14 totals at `totals`: black, grey, faint colours in hue bins 0..5, bright colours in hue bins 0..5. Inlined
 * where `step` is a constant, so each pixel layout gets its own loop.
 */
function countBlocks(step: i32, src: usize, blocks: i32, tail: usize, totals: usize): void {
  const one = i8x16.splat(1);
  let black = v128.splat<i8>(0);
  let grey = black;
  let f0 = black;
  let f1 = black;
  let f2 = black;
  let f3 = black;
  let f4 = black;
  let f5 = black;
  let b0 = black;
  let b1 = black;
  let b2 = black;
  let b3 = black;
  let b4 = black;
  let b5 = black;
  let p = src;
  for (let k = 0; k < blocks; k++, p += <usize>(16 * step)) {
    if (k == blocks - 1) p = tail;
    let r: v128;
    let g: v128;
    let b: v128;
    if (step == 1) {
      r = g = b = v128.load(p);
    } else if (step == 3) {
      const v0 = v128.load(p);
      const v1 = v128.load(p, 16);
      const v2 = v128.load(p, 32);
      r = rgbPlane(v0, v1, v2, RED0, RED1, RED2);
      g = rgbPlane(v0, v1, v2, GREEN0, GREEN1, GREEN2);
      b = rgbPlane(v0, v1, v2, BLUE0, BLUE1, BLUE2);
    } else {
      const v0 = v128.load(p);
      const v1 = v128.load(p, 16);
      const v2 = v128.load(p, 32);
      const v3 = v128.load(p, 48);
      const rg0 = rgbaRedGreen8(v0, v1);
      const rg1 = rgbaRedGreen8(v2, v3);
      r = lowHalves(rg0, rg1);
      g = highHalves(rg0, rg1);
      b = lowHalves(rgbaBlueAlpha8(v0, v1), rgbaBlueAlpha8(v2, v3));
    }
    const maxc = i8x16.max_u(i8x16.max_u(r, g), b);
    const minc = i8x16.min_u(i8x16.min_u(r, g), b);
    const range = i8x16.sub(maxc, minc);
    // PIL's luma is a rounded weighted mean, so min ≤ L ≤ max: the exact test is needed only where min < 32 ≤ max.
    const darkMax = i8x16.lt_u(maxc, i8x16.splat(32));
    const mixed = v128.andnot(i8x16.lt_u(minc, i8x16.splat(32)), darkMax);
    const isBlack = v128.any_true(mixed) ? black16(r, g, b) : darkMax;
    const twoMin = i8x16.add_sat_u(minc, minc);
    const isGrey = v128.andnot(i8x16.lt_u(i8x16.add_sat_u(range, range), minc), isBlack);
    const uncoloured = v128.or(isBlack, isGrey);
    const isFaint = v128.andnot(i8x16.gt_u(twoMin, range), uncoloured);
    const over = i8x16.min_u(i8x16.sub_sat_u(range, twoMin), i8x16.splat(9));
    // 28 · over by table (over ≤ 9, so 28 · over ≤ 252 fits a byte): one byte shuffle instead of three byte shifts.
    const over28 = i8x16.swizzle(i8x16(0, 28, 56, 84, 112, -116, -88, -60, -32, -4, 0, 0, 0, 0, 0, 0), over);
    const isBright = v128.andnot(i8x16.ge_u(over28, minc), uncoloured);
    // The hue sector from the channel order (R is the maximum first, then G), then the odd sectors' first half-byte.
    const rMax = i8x16.eq(r, maxc);
    const gMax = i8x16.eq(g, maxc);
    const upper = v128.bitselect(i8x16.ge_u(g, b), v128.bitselect(i8x16.ge_u(b, r), i8x16.ge_u(r, g), gMax), rMax);
    const order = v128.or(
      v128.or(v128.and(rMax, i8x16.splat(4)), v128.and(gMax, i8x16.splat(2))),
      v128.and(upper, one),
    );
    const mid = i8x16.max_u(i8x16.min_u(r, g), i8x16.min_u(i8x16.max_u(r, g), b));
    const gap = i8x16.min_u(i8x16.sub(maxc, mid), i8x16.splat(3));
    const firstHalf = i8x16.gt_u(range, i8x16.swizzle(i8x16(0, 85, -86, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), gap));
    // The sector from the order (entries 0..7), less one for an odd sector's first half-byte (entries 8..15).
    const bin = i8x16.swizzle(
      i8x16(3, 4, 1, 2, 5, 0, 5, 0, 2, 4, 0, 2, 4, 0, 4, 0),
      v128.or(order, v128.and(firstHalf, i8x16.splat(8))),
    );
    black = i8x16.sub(black, isBlack);
    grey = i8x16.sub(grey, isGrey);
    // Each pixel's bin where it is faint (bright), 0xff where it is not: one comparison per bin and class.
    const none = i8x16.splat(-1);
    const faintBin = v128.bitselect(bin, none, isFaint);
    const brightBin = v128.bitselect(bin, none, isBright);
    f0 = i8x16.sub(f0, i8x16.eq(faintBin, i8x16.splat(0)));
    f1 = i8x16.sub(f1, i8x16.eq(faintBin, i8x16.splat(1)));
    f2 = i8x16.sub(f2, i8x16.eq(faintBin, i8x16.splat(2)));
    f3 = i8x16.sub(f3, i8x16.eq(faintBin, i8x16.splat(3)));
    f4 = i8x16.sub(f4, i8x16.eq(faintBin, i8x16.splat(4)));
    f5 = i8x16.sub(f5, i8x16.eq(faintBin, i8x16.splat(5)));
    b0 = i8x16.sub(b0, i8x16.eq(brightBin, i8x16.splat(0)));
    b1 = i8x16.sub(b1, i8x16.eq(brightBin, i8x16.splat(1)));
    b2 = i8x16.sub(b2, i8x16.eq(brightBin, i8x16.splat(2)));
    b3 = i8x16.sub(b3, i8x16.eq(brightBin, i8x16.splat(3)));
    b4 = i8x16.sub(b4, i8x16.eq(brightBin, i8x16.splat(4)));
    b5 = i8x16.sub(b5, i8x16.eq(brightBin, i8x16.splat(5)));
  }
  flush(totals, black);
  flush(totals + 16, grey);
  flush(totals + 32, f0);
  flush(totals + 48, f1);
  flush(totals + 64, f2);
  flush(totals + 80, f3);
  flush(totals + 96, f4);
  flush(totals + 112, f5);
  flush(totals + 128, b0);
  flush(totals + 144, b1);
  flush(totals + 160, b2);
  flush(totals + 176, b3);
  flush(totals + 192, b4);
  flush(totals + 208, b5);
}

/** Bytes of scratch `colorCounts` needs at `counts`. */
export const COUNTS_SCRATCH_BYTES: i32 = 64 + 14 * 16 + 64;

/**
 * Counts over `n` pixels of `step` bytes (1 = grey, 3 or 4 = RGB(A), alpha ignored) at `src`, written as 14 i32 at
 * `counts` (which has COUNTS_SCRATCH_BYTES, 16-byte aligned): black, grey, then faint colours in hue bins 0..5, then
 * bright colours in hue bins 0..5. Saturation exactly 170 is neither faint nor bright, as in imagehash. The last
 * partial block of 16 pixels is copied beside the counts and padded with black pixels, which are then taken back.
 */
export function colorCounts(src: usize, n: i32, step: i32, counts: usize): void {
  const totals = counts + 64;
  const tail = totals + 14 * 16;
  memory.fill(counts, 0, COUNTS_SCRATCH_BYTES);
  if (n == 0) return;
  const blocks = (n + 15) >> 4;
  const lastStart = <usize>(blocks - 1) * 16 * <usize>step;
  memory.copy(tail, src + lastStart, <usize>(n - (blocks - 1) * 16) * <usize>step);
  // Byte counters hold up to 255 blocks: run in chunks of 255 blocks, the last ending at the tail.
  for (let k = 0; k < blocks; k += 255) {
    const chunk = min(255, blocks - k);
    const at = src + <usize>k * 16 * <usize>step;
    const last = k + chunk == blocks ? tail : at + <usize>(chunk - 1) * 16 * <usize>step;
    if (step == 3) countBlocks(3, at, chunk, last, totals);
    else if (step == 4) countBlocks(4, at, chunk, last, totals);
    else countBlocks(1, at, chunk, last, totals);
  }
  for (let c: usize = 0; c < 14; c++) {
    const t = v128.load(totals + (c << 4));
    const sum =
      i32x4.extract_lane(t, 0) + i32x4.extract_lane(t, 1) + i32x4.extract_lane(t, 2) + i32x4.extract_lane(t, 3);
    store<i32>(counts + (c << 2), sum);
  }
  store<i32>(counts, load<i32>(counts) - (blocks * 16 - n));
}
