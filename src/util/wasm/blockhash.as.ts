// WebAssembly kernel (AssemblyScript) for blockhash's block sums (blockhash-js "method 2", bmvbhash) over full-size
// 8-bit pixels: each pixel's r + g + b (765 when fully transparent) times its row and column weights, added to its
// blocks in the reference's order. Each block's sum takes exactly the additions the JavaScript path in
// src/hash/blockhash.ts takes, in the same order and in f64, so the sums are bit-identical; only the block that a run
// of pixels is filling is kept in a register instead of memory (four blocks at a time when the width divides evenly).
// The JavaScript path is its oracle.
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
