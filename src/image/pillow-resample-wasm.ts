// Pillow's two resampling passes on the WebAssembly SIMD kernel (src/util/wasm/pillow-resample.as.ts): inputs copied
// into the module's memory (the horizontal pass's source streamed through it a run of rows at a time), weights padded
// to groups of eight, results copied out; null when the kernel is absent.
import { streamRows, wasmKernel, type WasmExports } from '../util/wasm.js';
import type { HorizontalPassArgs, ResampleCoefficients } from './pillow-resize.js';
import type { Image } from './types.js';

interface ResampleKernel extends WasmExports {
  reserve(bytes: number): number;
  horizontal(
    src: number,
    step: number,
    srcWidth: number,
    rowFirst: number,
    rows: number,
    first: number,
    count: number,
    weights: number,
    ksize: number,
    outWidth: number,
    out: number,
    rowBuffer: number,
    narrow: number,
  ): void;
  vertical(
    src: number,
    width: number,
    rowShift: number,
    first: number,
    count: number,
    weights: number,
    ksize: number,
    outHeight: number,
    out: number,
    acc: number,
  ): void;
}

/**
 * Coefficients with each window's weights padded by zeros to a multiple of eight, as the SIMD loops read them: i32
 * for the vertical pass; for the horizontal pass split as w = 2^15 · hi + lo (hi = w >> 15, lo = w & 0x7fff), each
 * group of eight taps stored as eight i16 hi then eight i16 lo, for 16-bit dot products (wrapping sums stay equal).
 */
interface PaddedCoefficients {
  readonly ksize: number;
  readonly weights: Int32Array;
  readonly split: Int16Array;
  /** The weights as i16 when every one fits (reductions by more than about 128), for one dot product per group. */
  readonly narrow: Int16Array | null;
}

function splitWeights(weights: Int32Array): Int16Array {
  const split = new Int16Array(weights.length * 2);
  for (let g = 0; g < weights.length; g += 8) {
    for (let k = 0; k < 8; k++) {
      split[2 * g + k] = weights[g + k]! >> 15;
      split[2 * g + 8 + k] = weights[g + k]! & 0x7fff;
    }
  }
  return split;
}

const padded = new WeakMap<ResampleCoefficients, PaddedCoefficients>();

function padCoefficients(c: ResampleCoefficients): PaddedCoefficients {
  const hit = padded.get(c);
  if (hit) return hit;
  const ksize = (c.ksize + 7) & ~7;
  const weights = new Int32Array(c.first.length * ksize);
  for (let i = 0; i < c.first.length; i++)
    weights.set(c.weights.subarray(i * c.ksize, i * c.ksize + c.count[i]!), i * ksize);
  const narrow = weights.every((w) => w === (w << 16) >> 16) ? Int16Array.from(weights) : null;
  const p = { ksize, weights, split: splitWeights(weights), narrow };
  padded.set(c, p);
  return p;
}

const align = (n: number): number => (n + 15) & ~15;
const MAX_BYTES = 2 ** 31;

/** Lays out byte ranges of the given sizes in the kernel's scratch area; null when it cannot hold them. */
function layout(kernel: ResampleKernel, sizes: readonly number[]): number[] | null {
  const total = sizes.reduce((s, n) => s + align(n), 0);
  if (total > MAX_BYTES) return null;
  const base = kernel.reserve(total);
  if (base === 0) return null;
  const at: number[] = [];
  let offset = base;
  for (const n of sizes) {
    at.push(offset);
    offset += align(n);
  }
  return at;
}

function loadCoefficients(
  kernel: ResampleKernel,
  c: ResampleCoefficients,
  at: readonly number[],
  pass: 'horizontal' | 'vertical',
): number {
  const p = padCoefficients(c);
  const memory = kernel.memory.buffer;
  new Int32Array(memory, at[0], c.first.length).set(c.first);
  new Int32Array(memory, at[1], c.count.length).set(c.count);
  if (pass === 'vertical') new Int32Array(memory, at[2], p.weights.length).set(p.weights);
  else new Int16Array(memory, at[2], (p.narrow ?? p.split).length).set(p.narrow ?? p.split);
  return p.ksize;
}

function coefficientSizes(c: ResampleCoefficients): number[] {
  return [c.first.length * 4, c.count.length * 4, c.first.length * padCoefficients(c).ksize * 4];
}

/**
 * The horizontal pass over `rows` rows from `rowFirst` of `width`-pixel rows of `channels` bytes a pixel: grey rows
 * directly, RGB(A) rows through PIL's convert("L") fused into the pass (each row made grey in a row buffer inside the
 * kernel). Null without the kernel.
 */
function stagedHorizontal(
  data: Uint8Array,
  channels: number,
  width: number,
  rowFirst: number,
  rows: number,
  c: ResampleCoefficients,
  outWidth: number,
): Uint8Array | null {
  const kernel = wasmKernel<ResampleKernel>('pillow-resample');
  if (kernel === null) return null;
  const rowBytes = width * channels;
  const sizes = [...coefficientSizes(c), outWidth * rows, width + 16];
  let at: number[] = [];
  let ksize = 0;
  const narrow = padCoefficients(c).narrow ? 1 : 0;
  const input = data.subarray(rowFirst * rowBytes, (rowFirst + rows) * rowBytes);
  const extra = sizes.reduce((s, n) => s + align(n), 0);
  const streamed = streamRows(
    kernel,
    input,
    rowBytes,
    rows,
    extra,
    (scratch) => {
      at = sizes.map((_, i) => scratch + sizes.slice(0, i).reduce((s, n) => s + align(n), 0));
      ksize = loadCoefficients(kernel, c, at, 'horizontal');
    },
    (src, first, count) => {
      const [firstAt, countAt, weights, out, rowBuffer] = at as [number, number, number, number, number];
      const outAt = out + first * outWidth;
      kernel.horizontal(
        src,
        channels,
        width,
        0,
        count,
        firstAt,
        countAt,
        weights,
        ksize,
        outWidth,
        outAt,
        rowBuffer,
        narrow,
      );
    },
  );
  if (!streamed) return null;
  return new Uint8Array(kernel.memory.buffer, at[3], outWidth * rows).slice();
}

/** The horizontal pass over `rows` source rows from `rowFirst`, or null without the kernel. */
export function wasmHorizontalPass(
  ...[src, srcWidth, rowFirst, rows, c, outWidth]: HorizontalPassArgs
): Uint8Array | null {
  return stagedHorizontal(src, 1, srcWidth, rowFirst, rows, c, outWidth);
}

/** The horizontal pass over PIL's convert("L") of the RGB(A) `img`, fused; null without the kernel. */
export function wasmHorizontalLumaPass(
  img: Image,
  rowFirst: number,
  rows: number,
  c: ResampleCoefficients,
  outWidth: number,
): Uint8Array | null {
  return stagedHorizontal(img.data, img.channels, img.width, rowFirst, rows, c, outWidth);
}

/** The vertical pass (source rows shifted by `rowShift`), or null without the kernel. */
export function wasmVerticalPass(
  src: Uint8Array,
  width: number,
  rowShift: number,
  c: ResampleCoefficients,
  outHeight: number,
): Uint8Array | null {
  const kernel = wasmKernel<ResampleKernel>('pillow-resample');
  if (kernel === null) return null;
  const at = layout(kernel, [src.length + 16, ...coefficientSizes(c), width * outHeight, width * 4]);
  if (at === null) return null;
  new Uint8Array(kernel.memory.buffer, at[0], src.length).set(src);
  const ksize = loadCoefficients(kernel, c, at.slice(1), 'vertical');
  kernel.vertical(at[0]!, width, rowShift, at[1]!, at[2]!, at[3]!, ksize, outHeight, at[4]!, at[5]!);
  return new Uint8Array(kernel.memory.buffer, at[4], width * outHeight).slice();
}
