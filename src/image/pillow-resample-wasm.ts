// Pillow's two resampling passes on the WebAssembly SIMD kernel (src/util/wasm/pillow-resample.as.ts): inputs copied
// into the module's memory, weights padded to groups of eight, results copied out; null when the kernel is absent.
import { wasmKernel, type WasmExports } from '../util/wasm.js';
import type { HorizontalPassArgs, ResampleCoefficients } from './pillow-resize.js';

interface ResampleKernel extends WasmExports {
  reserve(bytes: number): number;
  horizontal(
    src: number,
    srcWidth: number,
    rowFirst: number,
    rows: number,
    first: number,
    count: number,
    weights: number,
    ksize: number,
    outWidth: number,
    out: number,
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

/** Coefficients with each window's weights padded by zeros to a multiple of eight, as the SIMD loop reads them. */
interface PaddedCoefficients {
  readonly ksize: number;
  readonly weights: Int32Array;
}

const padded = new WeakMap<ResampleCoefficients, PaddedCoefficients>();

function padCoefficients(c: ResampleCoefficients): PaddedCoefficients {
  const hit = padded.get(c);
  if (hit) return hit;
  const ksize = (c.ksize + 7) & ~7;
  const weights = new Int32Array(c.first.length * ksize);
  for (let i = 0; i < c.first.length; i++)
    weights.set(c.weights.subarray(i * c.ksize, i * c.ksize + c.count[i]!), i * ksize);
  const p = { ksize, weights };
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

function loadCoefficients(kernel: ResampleKernel, c: ResampleCoefficients, at: readonly number[]): number {
  const p = padCoefficients(c);
  const memory = kernel.memory.buffer;
  new Int32Array(memory, at[0], c.first.length).set(c.first);
  new Int32Array(memory, at[1], c.count.length).set(c.count);
  new Int32Array(memory, at[2], p.weights.length).set(p.weights);
  return p.ksize;
}

function coefficientSizes(c: ResampleCoefficients): number[] {
  return [c.first.length * 4, c.count.length * 4, c.first.length * padCoefficients(c).ksize * 4];
}

/** The horizontal pass over `rows` source rows from `rowFirst`, or null without the kernel. */
export function wasmHorizontalPass(
  ...[src, srcWidth, rowFirst, rows, c, outWidth]: HorizontalPassArgs
): Uint8Array | null {
  const kernel = wasmKernel<ResampleKernel>('pillow-resample');
  if (kernel === null) return null;
  const inBytes = rows * srcWidth;
  const at = layout(kernel, [inBytes + 16, ...coefficientSizes(c), outWidth * rows]);
  if (at === null) return null;
  new Uint8Array(kernel.memory.buffer, at[0], inBytes).set(
    src.subarray(rowFirst * srcWidth, rowFirst * srcWidth + inBytes),
  );
  const ksize = loadCoefficients(kernel, c, at.slice(1));
  kernel.horizontal(at[0]!, srcWidth, 0, rows, at[1]!, at[2]!, at[3]!, ksize, outWidth, at[4]!);
  return new Uint8Array(kernel.memory.buffer, at[4], outWidth * rows).slice();
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
  const ksize = loadCoefficients(kernel, c, at.slice(1));
  kernel.vertical(at[0]!, width, rowShift, at[1]!, at[2]!, at[3]!, ksize, outHeight, at[4]!, at[5]!);
  return new Uint8Array(kernel.memory.buffer, at[4], width * outHeight).slice();
}
