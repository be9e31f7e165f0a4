// blockhash (Yang, Gu & Niu's block mean value hash as blockhash-js computes it, "method 2" / bmvbhash).
// The arithmetic is the reference's, operation for operation, so hashes equal `blockhash-core`'s bit for bit
// (the tests check that on random images of many sizes); it reads RGB(A) in place with precomputed block
// weights instead of expanding to RGBA and recomputing them per pixel, which makes it several times faster.
import type { Image } from '../image/types.js';
import { packMsbFirst } from './bits.js';
import type { Hash, Hasher } from './types.js';
import { defineHasher } from './define.js';
import { placedBytes, placeViews, stageInput, streamRows, wasmKernel, type ScratchKernel } from '../util/wasm.js';

/** The reference's value of each pixel: r + g + b, or 765 (white) when fully transparent. */
function pixelValues(img: Image): Uint16Array {
  const n = img.width * img.height;
  const out = new Uint16Array(n);
  const d = img.data;
  if (img.channels === 1) for (let i = 0; i < n; i++) out[i] = 3 * d[i]!;
  else if (img.channels === 3) for (let i = 0, s = 0; i < n; i++, s += 3) out[i] = d[s]! + d[s + 1]! + d[s + 2]!;
  else for (let i = 0, s = 0; i < n; i++, s += 4) out[i] = d[s + 3] === 0 ? 765 : d[s]! + d[s + 1]! + d[s + 2]!;
  return out;
}

/** Along one axis, per coordinate: the two blocks it contributes to and their weights. */
interface AxisWeights {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly wLo: Float64Array;
  readonly wHi: Float64Array;
}

/** For each coordinate along one axis: the two blocks it contributes to and their weights, as the reference computes them. */
function axisWeights(length: number, bits: number): AxisWeights {
  const lo = new Int32Array(length);
  const hi = new Int32Array(length);
  const wLo = new Float64Array(length);
  const wHi = new Float64Array(length);
  const even = length % bits === 0;
  const blockSize = length / bits;
  for (let p = 0; p < length; p++) {
    if (even) {
      lo[p] = hi[p] = Math.floor(p / blockSize);
      wLo[p] = 1;
      wHi[p] = 0;
      continue;
    }
    const mod = (p + 1) % blockSize;
    const frac = mod - Math.floor(mod);
    const int = mod - frac;
    wLo[p] = 1 - frac;
    wHi[p] = frac;
    if (int > 0 || p + 1 === length) {
      lo[p] = hi[p] = Math.floor(p / blockSize);
    } else {
      lo[p] = Math.floor(p / blockSize);
      hi[p] = Math.ceil(p / blockSize);
    }
  }
  return { lo, hi, wLo, wHi };
}

/** Block sums when both sides divide evenly (the reference's `bmvbhashEven`): integer sums over whole blocks. */
function evenBlocks(values: Uint16Array, width: number, height: number, bits: number): Float64Array {
  const bw = Math.floor(width / bits);
  const bh = Math.floor(height / bits);
  const column = new Int32Array(bits * bw);
  for (let x = 0; x < column.length; x++) column[x] = Math.floor(x / bw);
  const blocks = new Float64Array(bits * bits);
  const rowSums = new Float64Array(bits);
  for (let by = 0; by < bits; by++) {
    rowSums.fill(0);
    for (let y = by * bh; y < (by + 1) * bh; y++) {
      const start = y * width;
      for (let x = 0; x < column.length; x++) rowSums[column[x]!]! += values[start + x]!;
    }
    blocks.set(rowSums, by * bits);
  }
  return blocks;
}

/**
 * The kernel's exports (src/util/wasm/blockhash.as.ts). blockSums takes (src, width, height, step, bits, xlo, xhi,
 * xwlo, xwhi, ylo, yhi, ywlo, ywhi, evenX, evenY, blocks); the exact sums (width, step, bits, axes, scratch, blocks),
 * exactBlockRows with (src, firstRow, count) first, where axes holds the eight axis array addresses.
 */
interface BlockKernel extends ScratchKernel {
  blockSums(...args: number[]): void;
  exactBlockStart(...args: number[]): void;
  exactBlockRows(...args: number[]): void;
  exactBlockEnd(...args: number[]): void;
  exactScratchBytes(width: number, step: number): number;
}

/** Weights as integers: the reference's weights times `bits`, exact when bits is a power of two. */
function scaled(weights: Float64Array, bits: number): Int32Array {
  return Int32Array.from(weights, (w) => w * bits);
}

/**
 * The exact integer block sums for a power-of-two `bits`, streaming the pixels through the kernel a run of rows at a
 * time (no full-size copy); null when memory cannot hold it.
 */
function wasmExactBlocks(kernel: BlockKernel, img: Image, bits: number, xs: AxisWeights, ys: AxisWeights) {
  const { width, height, channels } = img;
  const scratchBytes = kernel.exactScratchBytes(width, channels);
  const blocksBytes = bits * bits * 8;
  const axes = [xs.lo, xs.hi, scaled(xs.wLo, bits), scaled(xs.wHi, bits)];
  axes.push(ys.lo, ys.hi, scaled(ys.wLo, bits), scaled(ys.wHi, bits));
  const extra = scratchBytes + blocksBytes + 32 + placedBytes(axes);
  let blocks = 0;
  let head: number[] = [];
  const streamed = streamRows(
    kernel,
    img.data,
    width * channels,
    height,
    extra,
    (scratch) => {
      blocks = scratch + scratchBytes;
      const axesAt = blocks + blocksBytes;
      new Int32Array(kernel.memory.buffer, axesAt, 8).set(placeViews(kernel.memory.buffer, axesAt + 32, axes));
      head = [width, channels, bits, axesAt, scratch, blocks];
      kernel.exactBlockStart(...head);
    },
    (src, first, rows) => kernel.exactBlockRows(src, first, rows, ...head),
  );
  if (!streamed) return null;
  kernel.exactBlockEnd(...head);
  return new Float64Array(kernel.memory.buffer, blocks, bits * bits).slice();
}

/**
 * The weighted block sums on the WebAssembly kernel (src/util/wasm/blockhash.as.ts), reading the decoded pixels in
 * place of `pixelValues`; null when the kernel is not built. When `bits` is a power of two every weight is a
 * multiple of 1/bits and every sum is exact, and the kernel sums in integers (wasmExactBlocks); otherwise it takes
 * the reference's f64 additions in order (`blockSums`).
 */
function wasmBlocks(img: Image, bits: number): Float64Array | null {
  const kernel = wasmKernel<BlockKernel>('blockhash');
  if (kernel === null) return null;
  const { width, height } = img;
  const xs = axisWeights(width, bits);
  const ys = axisWeights(height, bits);
  if ((bits & (bits - 1)) === 0) return wasmExactBlocks(kernel, img, bits, xs, ys);
  const blocksBytes = bits * bits * 8;
  const arrays = [xs.lo, xs.hi, xs.wLo, xs.wHi, ys.lo, ys.hi, ys.wLo, ys.wHi];
  const at = stageInput(kernel, img.data, blocksBytes + placedBytes(arrays));
  if (at === null) return null;
  const blocks = at.scratch;
  new Float64Array(kernel.memory.buffer, blocks, bits * bits).fill(0);
  const axes = placeViews(kernel.memory.buffer, blocks + blocksBytes, arrays);
  const evenX = width % bits === 0 ? 1 : 0;
  const evenY = height % bits === 0 ? 1 : 0;
  kernel.blockSums(at.input, width, height, img.channels, bits, ...axes, evenX, evenY, blocks);
  return new Float64Array(kernel.memory.buffer, blocks, bits * bits).slice();
}

/**
 * Block sums with the reference's fractional weights. Along an axis that divides evenly every second weight is 0,
 * and adding v·w·0 = +0 to a non-negative sum changes nothing, so those additions are skipped without changing a bit.
 */
function weightedBlocks(values: Uint16Array, width: number, height: number, bits: number): Float64Array {
  const xs = axisWeights(width, bits);
  const ys = axisWeights(height, bits);
  const evenX = width % bits === 0;
  const evenY = height % bits === 0;
  const blocks = new Float64Array(bits * bits);
  for (let y = 0; y < height; y++) {
    const top = ys.lo[y]! * bits;
    const bottom = ys.hi[y]! * bits;
    const wTop = ys.wLo[y]!;
    const wBottom = ys.wHi[y]!;
    const rowStart = y * width;
    for (let x = 0; x < width; x++) {
      const v = values[rowStart + x]!;
      // (v * wTop) * wLeft is the reference's evaluation order, so sharing v * wTop keeps every rounding identical.
      const vTop = v * wTop;
      const left = xs.lo[x]!;
      const wLeft = xs.wLo[x]!;
      blocks[top + left]! += vTop * wLeft;
      if (!evenX) blocks[top + xs.hi[x]!]! += vTop * xs.wHi[x]!;
      if (!evenY) {
        const vBottom = v * wBottom;
        blocks[bottom + left]! += vBottom * wLeft;
        if (!evenX) blocks[bottom + xs.hi[x]!]! += vBottom * xs.wHi[x]!;
      }
    }
  }
  return blocks;
}

function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  return n % 2 === 0 ? (s[n / 2 - 1]! + s[n / 2]!) / 2 : s[Math.floor(n / 2)]!;
}

/** The reference's thresholding: per horizontal band of rows, bit = block > band median (ties near the median go by brightness). */
function blocksToBits(blocks: Float64Array, pixelsPerBlock: number): Uint8Array {
  const half = (pixelsPerBlock * 256 * 3) / 2;
  const band = blocks.length / 4;
  const bits = new Uint8Array(blocks.length);
  for (let i = 0; i < 4; i++) {
    const m = median(blocks.subarray(i * band, (i + 1) * band));
    for (let j = i * band; j < (i + 1) * band; j++) {
      const v = blocks[j]!;
      bits[j] = v > m || (Math.abs(v - m) < 1 && m > half) ? 1 : 0;
    }
  }
  return bits;
}

/**
 * The reference's bitsPerSide² block sums (row-major) of an image: on the WebAssembly kernel when it is built, else
 * in JavaScript; the same bits either way.
 */
export function blockhashSums(image: Image, bitsPerSide: number): Float64Array {
  const { width, height } = image;
  const fast = wasmBlocks(image, bitsPerSide);
  if (fast) return fast;
  const values = pixelValues(image);
  return width % bitsPerSide === 0 && height % bitsPerSide === 0
    ? evenBlocks(values, width, height, bitsPerSide)
    : weightedBlocks(values, width, height, bitsPerSide);
}

/** blockhash with `bitsPerSide` blocks per side (default 16, a 256-bit hash), on the full-resolution pixels. */
export function blockhash(bitsPerSide = 16): Hasher<string> {
  if (!Number.isInteger(bitsPerSide) || bitsPerSide < 4 || bitsPerSide % 4 !== 0) {
    throw new RangeError(`blockhash bits per side must be a multiple of 4 and at least 4, got ${bitsPerSide}`);
  }
  const id = bitsPerSide === 16 ? 'blockhash' : `blockhash:${bitsPerSide}`;
  const nbits = bitsPerSide * bitsPerSide;
  return defineHasher({
    id,
    nbits,
    hash(image: Image): Hash<string> {
      const { width, height } = image;
      const even = width % bitsPerSide === 0 && height % bitsPerSide === 0;
      const blocks = blockhashSums(image, bitsPerSide);
      const pixelsPerBlock = even
        ? Math.floor(width / bitsPerSide) * Math.floor(height / bitsPerSide)
        : (width / bitsPerSide) * (height / bitsPerSide);
      return packMsbFirst(id, blocksToBits(blocks, pixelsPerBlock));
    },
  });
}
