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
    mode: number,
    offsets: number,
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
 * How the horizontal pass reads its weights (the kernel's `horizontal` modes), each group of eight taps as i16 for
 * 16-bit dot products (wrapping sums stay equal):
 * - narrow: every weight fits in an i16 (reductions by more than about 138): one dot product per group;
 * - offset: every window's weights, its padding zeros included, lie within an i16 of that window's offset c
 *   (reductions by more than about 79): the weights less c, one dot product per group, plus c times the window's
 *   pixel sum;
 * - split: w = 2^15 · hi + lo (hi = w >> 15, lo = w & 0x7fff), each group as eight hi then eight lo: two dot products.
 */
type HorizontalWeights =
  | { readonly kind: 'narrow'; readonly weights: Int16Array }
  | { readonly kind: 'offset'; readonly weights: Int16Array; readonly offsets: Int32Array }
  | { readonly kind: 'split'; readonly weights: Int16Array };

/** The kernel's code for each layout (SPLIT, NARROW, OFFSET in pillow-resample.as.ts). */
const MODE = { split: 0, narrow: 1, offset: 2 } as const;

/** Pixel sums in 16-bit lanes hold 257 groups of eight bytes. */
const OFFSET_MAX_GROUPS = 257;

const fitsI16 = (w: number): boolean => w === (w << 16) >> 16;

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

/**
 * The offset layout of padded weights, windows `ksize` apart with `count` taps each, or null where some window's
 * weights (with the zeros padding it to a group of eight) span more than an i16 or it has too many groups.
 */
function offsetWeights(weights: Int32Array, count: Int32Array, ksize: number): HorizontalWeights | null {
  if (ksize / 8 > OFFSET_MAX_GROUPS) return null;
  const shifted = new Int16Array(weights.length);
  const offsets = new Int32Array(count.length);
  for (let x = 0; x < count.length; x++) {
    const taps = weights.subarray(x * ksize, x * ksize + ((count[x]! + 7) & ~7));
    let lo = 0;
    let hi = 0;
    for (const w of taps) {
      lo = Math.min(lo, w);
      hi = Math.max(hi, w);
    }
    const c = Math.floor((lo + hi + 1) / 2);
    for (let k = 0; k < taps.length; k++) {
      const v = taps[k]! - c;
      if (!fitsI16(v)) return null;
      shifted[x * ksize + k] = v;
    }
    offsets[x] = c;
  }
  return { kind: 'offset', weights: shifted, offsets };
}

function horizontalWeights(weights: Int32Array, count: Int32Array, ksize: number): HorizontalWeights {
  if (weights.every(fitsI16)) return { kind: 'narrow', weights: Int16Array.from(weights) };
  return offsetWeights(weights, count, ksize) ?? { kind: 'split', weights: splitWeights(weights) };
}

/** Coefficients with each window's weights padded by zeros to a multiple of eight, as the SIMD loops read them. */
interface PaddedCoefficients {
  readonly ksize: number;
  /** i32, for the vertical pass. */
  readonly weights: Int32Array;
  readonly horizontal: HorizontalWeights;
}

const padded = new WeakMap<ResampleCoefficients, PaddedCoefficients>();

function padCoefficients(c: ResampleCoefficients): PaddedCoefficients {
  const hit = padded.get(c);
  if (hit) return hit;
  const ksize = (c.ksize + 7) & ~7;
  const weights = new Int32Array(c.first.length * ksize);
  for (let i = 0; i < c.first.length; i++)
    weights.set(c.weights.subarray(i * c.ksize, i * c.ksize + c.count[i]!), i * ksize);
  const p = { ksize, weights, horizontal: horizontalWeights(weights, c.count, ksize) };
  padded.set(c, p);
  return p;
}

/** The layout the horizontal pass takes for these coefficients (exposed so tests can reach each one). */
export function horizontalLayout(c: ResampleCoefficients): HorizontalWeights['kind'] {
  return padCoefficients(c).horizontal.kind;
}

/** What one pass copies into the kernel: window starts, tap counts, the weights as that pass reads them, offsets. */
function coefficientParts(c: ResampleCoefficients, pass: 'horizontal' | 'vertical'): ArrayBufferView[] {
  const p = padCoefficients(c);
  if (pass === 'vertical') return [c.first, c.count, p.weights];
  const h = p.horizontal;
  return h.kind === 'offset' ? [c.first, c.count, h.weights, h.offsets] : [c.first, c.count, h.weights];
}

/** A pass's coefficients once placed in the kernel's memory. */
interface Placed {
  readonly first: number;
  readonly count: number;
  readonly weights: number;
  /** The offset layout's offsets, else 0. */
  readonly offsets: number;
  readonly ksize: number;
}

function place(kernel: ResampleKernel, at: number, c: ResampleCoefficients, parts: ArrayBufferView[]): Placed {
  const [first, count, weights, offsets] = placeViews(kernel.memory.buffer, at, parts) as [
    number,
    number,
    number,
    number | undefined,
  ];
  return { first, count, weights, offsets: offsets ?? 0, ksize: padCoefficients(c).ksize };
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
  const mode = MODE[padCoefficients(horizontal).horizontal.kind];
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
      const { first, count: counts, weights, offsets, ksize } = h!;
      const at = band + firstRow * outWidth;
      kernel.horizontal(
        run,
        channels,
        width,
        0,
        count,
        first,
        counts,
        weights,
        ksize,
        outWidth,
        at,
        buffer,
        mode,
        offsets,
      );
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
