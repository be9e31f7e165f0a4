// Pillow's two resampling passes on the WebAssembly SIMD kernel (src/util/wasm/pillow-resample.as.ts): the source
// streamed through the module's memory a run of rows at a time into the horizontal pass, whose band stays there for
// the vertical pass; weights padded to groups of eight; only the result copied out; null when the kernel is absent.
import { align16, placedBytes, placeViews, streamRows, wasmKernel, type ScratchKernel } from '../util/wasm.js';
import type { ResampleCoefficients } from './pillow-resize.js';

interface ResampleKernel extends ScratchKernel {
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
  horizontalBufferBytes(srcWidth: number, outWidth: number): number;
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

/** What one pass copies into the kernel: window starts, tap counts and the weights as that pass reads them. */
function coefficientParts(c: ResampleCoefficients, pass: 'horizontal' | 'vertical'): ArrayBufferView[] {
  const p = padCoefficients(c);
  return [c.first, c.count, pass === 'vertical' ? p.weights : (p.narrow ?? p.split)];
}

/** A pass's coefficients once placed in the kernel's memory. */
interface Placed {
  readonly first: number;
  readonly count: number;
  readonly weights: number;
  readonly ksize: number;
}

function place(kernel: ResampleKernel, at: number, c: ResampleCoefficients, parts: ArrayBufferView[]): Placed {
  const [first, count, weights] = placeViews(kernel.memory.buffer, at, parts) as [number, number, number];
  return { first, count, weights, ksize: padCoefficients(c).ksize };
}

/** The source of a resample: `rows` rows from `rowFirst` of a `width`-pixel image of `channels` bytes a pixel. */
export interface ResampleSource {
  readonly data: Uint8Array;
  readonly channels: number;
  readonly width: number;
  readonly rowFirst: number;
  readonly rows: number;
}

/**
 * The horizontal pass to `outWidth` over the source rows (RGB(A) rows through PIL's convert("L") fused into it, grey
 * rows read directly), then, unless `vertical` is null, the vertical pass to `outHeight` over the band it left in
 * the kernel's memory (source rows shifted by `src.rowFirst`). Null without the kernel or the memory.
 */
export function wasmResample(
  src: ResampleSource,
  horizontal: ResampleCoefficients,
  outWidth: number,
  vertical: ResampleCoefficients | null,
  outHeight: number,
): Uint8Array | null {
  const kernel = wasmKernel<ResampleKernel>('pillow-resample');
  if (kernel === null) return null;
  const { data, channels, width, rowFirst, rows } = src;
  const hParts = coefficientParts(horizontal, 'horizontal');
  const vParts = vertical ? coefficientParts(vertical, 'vertical') : [];
  const bandBytes = align16(outWidth * rows);
  const bufferBytes = align16(kernel.horizontalBufferBytes(width, outWidth));
  const extra = placedBytes(hParts) + placedBytes(vParts) + bandBytes + bufferBytes + outWidth * outHeight;
  const rowBytes = width * channels;
  const narrow = padCoefficients(horizontal).narrow ? 1 : 0;
  let h: Placed | null = null;
  let v: Placed | null = null;
  let band = 0;
  let buffer = 0;
  let out = 0;
  // Output rows are made as soon as the band rows they read are, while those are still in the core's cache.
  let done = 0;
  const verticalTo = (end: number): void => {
    if (v === null || end <= done) return;
    const { first, count, weights, ksize } = v;
    const rowsNow = end - done;
    kernel.vertical(
      band,
      outWidth,
      rowFirst,
      first + 4 * done,
      count + 4 * done,
      weights + 4 * ksize * done,
      ksize,
      rowsNow,
      out + outWidth * done,
    );
    done = end;
  };
  const streamed = streamRows(
    kernel,
    data.subarray(rowFirst * rowBytes, (rowFirst + rows) * rowBytes),
    rowBytes,
    rows,
    extra,
    (scratch) => {
      h = place(kernel, scratch, horizontal, hParts);
      band = scratch + placedBytes(hParts);
      buffer = band + bandBytes;
      if (vertical) v = place(kernel, buffer + bufferBytes, vertical, vParts);
      out = buffer + bufferBytes + placedBytes(vParts);
    },
    (run, firstRow, count) => {
      const { first, count: counts, weights, ksize } = h!;
      const at = band + firstRow * outWidth;
      kernel.horizontal(run, channels, width, 0, count, first, counts, weights, ksize, outWidth, at, buffer, narrow);
      if (vertical === null) return;
      let ready = done;
      while (ready < outHeight && vertical.first[ready]! + vertical.count[ready]! - rowFirst <= firstRow + count)
        ready++;
      verticalTo(ready);
    },
  );
  if (!streamed) return null;
  if (vertical === null) return new Uint8Array(kernel.memory.buffer, band, outWidth * rows).slice();
  verticalTo(outHeight);
  return new Uint8Array(kernel.memory.buffer, out, outWidth * outHeight).slice();
}

/** The vertical pass alone over a grey image `width` wide (source rows shifted by `rowShift`), or null. */
export function wasmVerticalPass(
  src: Uint8Array,
  width: number,
  rowShift: number,
  c: ResampleCoefficients,
  outHeight: number,
): Uint8Array | null {
  const kernel = wasmKernel<ResampleKernel>('pillow-resample');
  if (kernel === null) return null;
  const parts = coefficientParts(c, 'vertical');
  const bytes = align16(src.length) + placedBytes(parts) + width * outHeight;
  if (bytes > 2 ** 31) return null;
  const base = kernel.reserve(bytes);
  if (base === 0) return null;
  new Uint8Array(kernel.memory.buffer, base, src.length).set(src);
  const v = place(kernel, base + align16(src.length), c, parts);
  const out = base + align16(src.length) + placedBytes(parts);
  kernel.vertical(base, width, rowShift, v.first, v.count, v.weights, v.ksize, outHeight, out);
  return new Uint8Array(kernel.memory.buffer, out, width * outHeight).slice();
}
