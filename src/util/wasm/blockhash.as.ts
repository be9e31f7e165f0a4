// WebAssembly kernel (AssemblyScript) for blockhash's block sums (blockhash-js "method 2", bmvbhash) over full-size
// 8-bit pixels: each pixel's r + g + b (765 when fully transparent) times its row and column weights, added to its
// blocks. The JavaScript path in src/hash/blockhash.ts (the reference's additions, in its order, in f64) is the oracle.
//
// `exactBlockStart`/`Rows`/`End`, when the blocks per side are a power of two: every weight is then a multiple of 1/bits (the block
// size length/bits is exact in f64, and so is fmod), so every term and partial sum of the reference is a multiple of
// 1/bits² far below 2^53 · 1/bits², every f64 addition is exact and the order does not matter. It sums in integers:
// each row's bytes are added per column in 16-bit lanes (SIMD, 16 bytes a step, no deinterleaving), and once per
// band of rows the columns are weighted into the blocks; the result is the same exact value. Rows come in runs, so
// the caller can stream the image through a small area of memory.
// `blockSums`, for other block counts, takes exactly the reference's additions in its order; only the block that a
// run of pixels is filling is kept in a register instead of memory (four blocks at a time when the width divides
// evenly).
export { reserve } from './lib/scratch.as';

/** The reference's value of the pixel at `p`: r + g + b, or 765 (white) when fully transparent; 3 · grey for grey. */
function value(p: usize, step: i32): f64 {
  if (step == 1) return <f64>(3 * <i32>load<u8>(p));
  if (step == 4 && load<u8>(p, 3) == 0) return 765.0;
  return <f64>(<i32>load<u8>(p) + <i32>load<u8>(p, 1) + <i32>load<u8>(p, 2));
}

/**
 * One row when the width divides evenly (every column weight 1, so each pixel adds v · wTop, and v · wBottom unless
 * the height divides evenly too): four block columns at a time, each a run of `bw` pixels with its own sums in
 * registers, so that four independent chains of additions overlap. `mode` 0: top cells only; 1: top and bottom are
 * the same cells (both additions go there, top first); 2: separate top and bottom cells.
 */
function evenColumnsRow(
  p: usize,
  step: i32,
  bw: i32,
  bits: i32,
  top: usize,
  bottom: usize,
  wTop: f64,
  wBottom: f64,
  mode: i32,
): void {
  const stride = <usize>step;
  const run = <usize>bw * stride;
  for (let g = 0; g < bits; g += 4) {
    const tAt = top + ((<usize>g) << 3);
    const bAt = bottom + ((<usize>g) << 3);
    let t0 = load<f64>(tAt);
    let t1 = load<f64>(tAt, 8);
    let t2 = load<f64>(tAt, 16);
    let t3 = load<f64>(tAt, 24);
    let b0 = load<f64>(bAt);
    let b1 = load<f64>(bAt, 8);
    let b2 = load<f64>(bAt, 16);
    let b3 = load<f64>(bAt, 24);
    let p0 = p + <usize>g * run;
    for (let k = 0; k < bw; k++, p0 += stride) {
      const v0 = value(p0, step);
      const v1 = value(p0 + run, step);
      const v2 = value(p0 + 2 * run, step);
      const v3 = value(p0 + 3 * run, step);
      t0 += v0 * wTop;
      t1 += v1 * wTop;
      t2 += v2 * wTop;
      t3 += v3 * wTop;
      if (mode == 1) {
        t0 += v0 * wBottom;
        t1 += v1 * wBottom;
        t2 += v2 * wBottom;
        t3 += v3 * wBottom;
      } else if (mode == 2) {
        b0 += v0 * wBottom;
        b1 += v1 * wBottom;
        b2 += v2 * wBottom;
        b3 += v3 * wBottom;
      }
    }
    if (mode == 2) {
      store<f64>(bAt, b0);
      store<f64>(bAt, b1, 8);
      store<f64>(bAt, b2, 16);
      store<f64>(bAt, b3, 24);
    }
    store<f64>(tAt, t0);
    store<f64>(tAt, t1, 8);
    store<f64>(tAt, t2, 16);
    store<f64>(tAt, t3, 24);
  }
}

/**
 * Adds to the f64 sums at `blocks` (bits × bits, row-major) every pixel of the width × height image at `src`
 * (`step` bytes a pixel). Per axis: `lo`/`hi` (i32) are the two blocks a coordinate feeds and `wlo`/`whi` (f64)
 * their weights; `evenX`/`evenY` say the axis divides evenly (then `hi` is never used and `wlo` is 1).
 */
export function blockSums(
  src: usize,
  width: i32,
  height: i32,
  step: i32,
  bits: i32,
  xlo: usize,
  xhi: usize,
  xwlo: usize,
  xwhi: usize,
  ylo: usize,
  yhi: usize,
  ywlo: usize,
  ywhi: usize,
  evenX: bool,
  evenY: bool,
  blocks: usize,
): void {
  const stride = <usize>step;
  for (let y = 0; y < height; y++) {
    const yo = (<usize>y) << 2;
    const top = blocks + ((<usize>(load<i32>(ylo + yo) * bits)) << 3);
    const bottom = blocks + ((<usize>(load<i32>(yhi + yo) * bits)) << 3);
    const wTop = load<f64>(ywlo + (yo << 1));
    const wBottom = load<f64>(ywhi + (yo << 1));
    let p = src + <usize>y * <usize>width * stride;
    if (evenX) {
      evenColumnsRow(p, step, width / bits, bits, top, bottom, wTop, wBottom, evenY ? 0 : top == bottom ? 1 : 2);
      continue;
    }
    // The column block being filled, and the sums of its top and bottom cells while it is.
    let cur: usize = 0;
    let accTop = load<f64>(top);
    let accBottom = load<f64>(bottom);
    if (evenY) {
      for (let x = 0; x < width; x++, p += stride) {
        const xo = (<usize>x) << 2;
        const vTop = value(p, step) * wTop;
        const left = <usize>load<i32>(xlo + xo);
        if (left != cur) {
          store<f64>(top + (cur << 3), accTop);
          cur = left;
          accTop = load<f64>(top + (cur << 3));
        }
        accTop += vTop * load<f64>(xwlo + (xo << 1));
        const hi = <usize>load<i32>(xhi + xo);
        const add = vTop * load<f64>(xwhi + (xo << 1));
        if (hi == cur) accTop += add;
        else store<f64>(top + (hi << 3), load<f64>(top + (hi << 3)) + add);
      }
      store<f64>(top + (cur << 3), accTop);
    } else if (top == bottom) {
      // One cell row takes all four additions of each pixel, in the reference's order.
      for (let x = 0; x < width; x++, p += stride) {
        const xo = (<usize>x) << 2;
        const left = <usize>load<i32>(xlo + xo);
        if (left != cur) {
          store<f64>(top + (cur << 3), accTop);
          cur = left;
          accTop = load<f64>(top + (cur << 3));
        }
        const v = value(p, step);
        const vTop = v * wTop;
        const vBottom = v * wBottom;
        const wLeft = load<f64>(xwlo + (xo << 1));
        const hi = <usize>load<i32>(xhi + xo);
        const wRight = load<f64>(xwhi + (xo << 1));
        if (hi == cur) {
          accTop += vTop * wLeft;
          accTop += vTop * wRight;
          accTop += vBottom * wLeft;
          accTop += vBottom * wRight;
        } else {
          const at = top + (hi << 3);
          accTop += vTop * wLeft;
          store<f64>(at, load<f64>(at) + vTop * wRight);
          accTop += vBottom * wLeft;
          store<f64>(at, load<f64>(at) + vBottom * wRight);
        }
      }
      store<f64>(top + (cur << 3), accTop);
    } else {
      for (let x = 0; x < width; x++, p += stride) {
        const xo = (<usize>x) << 2;
        const v = value(p, step);
        const vTop = v * wTop;
        const vBottom = v * wBottom;
        const left = <usize>load<i32>(xlo + xo);
        if (left != cur) {
          store<f64>(top + (cur << 3), accTop);
          store<f64>(bottom + (cur << 3), accBottom);
          cur = left;
          accTop = load<f64>(top + (cur << 3));
          accBottom = load<f64>(bottom + (cur << 3));
        }
        const wLeft = load<f64>(xwlo + (xo << 1));
        accTop += vTop * wLeft;
        accBottom += vBottom * wLeft;
        const hi = <usize>load<i32>(xhi + xo);
        const wRight = load<f64>(xwhi + (xo << 1));
        if (hi == cur) {
          accTop += vTop * wRight;
          accBottom += vBottom * wRight;
        } else {
          store<f64>(top + (hi << 3), load<f64>(top + (hi << 3)) + vTop * wRight);
          store<f64>(bottom + (hi << 3), load<f64>(bottom + (hi << 3)) + vBottom * wRight);
        }
      }
      store<f64>(top + (cur << 3), accTop);
      store<f64>(bottom + (cur << 3), accBottom);
    }
  }
}

/** The reference's value of pixel x of the row at `row`, for the exact sums. */
function pixelValue(row: usize, x: i32, step: i32): i32 {
  return <i32>value(row + <usize>x * <usize>step, step);
}

/** Adds the bytes of one row (`bytes` of them, rounded up to 16) to the u16 column counters at `acc`. */
function addRow(row: usize, bytes: i32, step: i32, acc: usize): void {
  const alpha = i32x4.splat(0xff000000);
  const zero = i32x4.splat(0);
  for (let i = 0; i < bytes; i += 16) {
    let v = v128.load(row + <usize>i);
    // A fully transparent pixel counts as white: all four bytes 255 (its alpha byte's counter is never read).
    if (step == 4) v = v128.or(v, i32x4.eq(v128.and(v, alpha), zero));
    const at = acc + ((<usize>i) << 1);
    v128.store(at, i16x8.add(v128.load(at), i16x8.extend_low_i8x16_u(v)));
    v128.store(at, i16x8.add(v128.load(at, 16), i16x8.extend_high_i8x16_u(v)), 16);
  }
}

/** Moves the u16 column counters at `acc` into the u32 ones at `wide` (`count` of each, a multiple of 8). */
function spill(acc: usize, wide: usize, count: i32): void {
  for (let i = 0; i < count; i += 8) {
    const a = v128.load(acc + ((<usize>i) << 1));
    const at = wide + ((<usize>i) << 2);
    v128.store(at, i32x4.add(v128.load(at), i32x4.extend_low_i16x8_u(a)));
    v128.store(at, i32x4.add(v128.load(at, 16), i32x4.extend_high_i16x8_u(a)), 16);
  }
  memory.fill(acc, 0, (<usize>count) << 1);
}

/**
 * One band of rows into the block row at `blocks`: per column x, bits · (its counted rows) + its carried weighted
 * row + `w` · the row at `extra` (when w > 0), then weighted by the column's two blocks (`axes` as in
 * exactBlockStart); the counters and carry at `scratch` are cleared.
 */
function flushBand(
  width: i32,
  step: i32,
  bits: i32,
  scratch: usize,
  axes: usize,
  extra: usize,
  w: i32,
  blocks: usize,
): void {
  const xlo = <usize>load<i32>(axes);
  const xhi = <usize>load<i32>(axes, 4);
  const xwlo = <usize>load<i32>(axes, 8);
  const xwhi = <usize>load<i32>(axes, 12);
  const count = (width * step + 15) & ~15;
  const acc = scratch;
  const wide = acc + ((<usize>count) << 1);
  const carry = wide + ((<usize>count) << 2);
  spill(acc, wide, count);
  const channels = step == 1 ? 1 : 3;
  const scale = <f64>(step == 1 ? 3 * bits : bits);
  for (let x = 0; x < width; x++) {
    const xo = (<usize>x) << 2;
    let counted: u32 = 0;
    for (let c = 0; c < channels; c++) counted += load<u32>(wide + ((<usize>(x * step + c)) << 2));
    let t = <f64>counted * scale + load<f64>(carry + (xo << 1));
    if (w > 0) t += <f64>(w * pixelValue(extra, x, step));
    const lo = blocks + ((<usize>load<i32>(xlo + xo)) << 3);
    const hi = blocks + ((<usize>load<i32>(xhi + xo)) << 3);
    store<f64>(lo, load<f64>(lo) + t * <f64>load<i32>(xwlo + xo));
    store<f64>(hi, load<f64>(hi) + t * <f64>load<i32>(xwhi + xo));
  }
  memory.fill(wide, 0, (<usize>count) << 2);
  memory.fill(carry, 0, (<usize>width) << 3);
}

/** Bytes of scratch the exact block sums need for rows of `width` pixels of `step` bytes. */
export function exactScratchBytes(width: i32, step: i32): i32 {
  const count = (width * step + 15) & ~15;
  return 16 + count * 6 + width * 8;
}

/**
 * Starts exact block sums (bits × bits f64, row-major, at `blocks`) for a power-of-two `bits`: as `blockSums`, but
 * the weights are integers (the reference's weights times bits) and the sums exact integers, divided by bits² at the
 * end. `axes` holds the addresses of xlo, xhi, xwlo, xwhi, ylo, yhi, ywlo, ywhi (i32 arrays); `scratch` has
 * exactScratchBytes(width, step) bytes, 16-byte aligned: the band being summed and its row count, then the counters.
 */
export function exactBlockStart(width: i32, step: i32, bits: i32, axes: usize, scratch: usize, blocks: usize): void {
  memory.fill(scratch, 0, <usize>exactScratchBytes(width, step));
  memory.fill(blocks, 0, (<usize>(bits * bits)) << 3);
  store<i32>(scratch, load<i32>(<usize>load<i32>(axes, 16)));
}

/**
 * Adds `count` rows from `firstRow`, the first at `src` (each read up to 15 bytes past its end), to the exact block
 * sums that exactBlockStart started.
 */
export function exactBlockRows(
  src: usize,
  firstRow: i32,
  count: i32,
  width: i32,
  step: i32,
  bits: i32,
  axes: usize,
  scratch: usize,
  blocks: usize,
): void {
  const ylo = <usize>load<i32>(axes, 16);
  const yhi = <usize>load<i32>(axes, 20);
  const ywlo = <usize>load<i32>(axes, 24);
  const ywhi = <usize>load<i32>(axes, 28);
  const bytes = width * step;
  const acc = scratch + 16;
  const wide = acc + ((<usize>((bytes + 15) & ~15)) << 1);
  const carry = wide + ((<usize>((bytes + 15) & ~15)) << 2);
  let band = load<i32>(scratch);
  let rows = load<i32>(scratch, 4);
  for (let y = firstRow; y < firstRow + count; y++) {
    const yo = (<usize>y) << 2;
    const lo = load<i32>(ylo + yo);
    const hi = load<i32>(yhi + yo);
    const row = src + <usize>(y - firstRow) * <usize>bytes;
    if (lo != band) {
      flushBand(width, step, bits, acc, axes, 0, 0, blocks + ((<usize>(band * bits)) << 3));
      band = lo;
      rows = 0;
    }
    if (lo == hi) {
      if (rows == 257) {
        spill(acc, wide, (bytes + 15) & ~15);
        rows = 0;
      }
      addRow(row, bytes, step, acc);
      rows++;
      continue;
    }
    // A row on a block boundary: its top weight closes this band, its bottom weight starts the next one.
    flushBand(width, step, bits, acc, axes, row, load<i32>(ywlo + yo), blocks + ((<usize>(band * bits)) << 3));
    const bottom = load<i32>(ywhi + yo);
    for (let x = 0; x < width; x++) store<f64>(carry + ((<usize>x) << 3), <f64>(bottom * pixelValue(row, x, step)));
    band = hi;
    rows = 0;
  }
  store<i32>(scratch, band);
  store<i32>(scratch, rows, 4);
}

/** Ends exact block sums: the last band into its blocks, and every sum divided by bits². */
export function exactBlockEnd(width: i32, step: i32, bits: i32, axes: usize, scratch: usize, blocks: usize): void {
  const band = load<i32>(scratch);
  flushBand(width, step, bits, scratch + 16, axes, 0, 0, blocks + ((<usize>(band * bits)) << 3));
  const scale = 1.0 / <f64>(bits * bits);
  for (let i = 0; i < bits * bits; i++) {
    const at = blocks + ((<usize>i) << 3);
    store<f64>(at, load<f64>(at) * scale);
  }
}
