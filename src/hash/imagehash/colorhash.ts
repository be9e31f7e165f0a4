// imagehash.colorhash: the fractions of black pixels, of grey pixels, and of faint and bright colours in six hue
// bins, each quantised to `binbits` bits, from PIL's full-resolution "L" and "HSV" conversions (14 × binbits bits).
import { pilHue, saturationTable } from '../../image/pil-hsv.js';
import type { Image } from '../../image/types.js';
import { packMsbFirst } from '../bits.js';
import { pilGrey } from './input.js';
import type { Hash, Hasher } from '../types.js';
import { defineHasher } from '../define.js';
import { streamRows, wasmKernel, type ScratchKernel } from '../../util/wasm.js';

const BLACK_BELOW = 256 >> 3; // intensity < 256 // 8
const GREY_BELOW = Math.floor(256 / 3); // s < 256 // 3
const FAINT_BELOW = Math.floor((256 * 2) / 3); // s < 256 * 2 // 3; s > it is bright, s equal to it is neither

/** numpy.histogram's bin for an integer hue with edges linspace(0, 255, 7) = 0, 42.5, …, 255 (last bin closed). */
function hueBin(h: number): number {
  const bin = Math.floor(h / 42.5);
  return bin > 5 ? 5 : bin;
}

/** The pixel counts colorhash quantises: black, grey, and faint and bright colours per hue bin. */
export interface ColourCounts {
  readonly black: number;
  readonly greyish: number;
  readonly faint: readonly number[];
  readonly bright: readonly number[];
}

interface ColourKernel extends ScratchKernel {
  colorCounts(src: number, n: number, step: number, counts: number): void;
  /** The scratch bytes colorCounts needs at `counts`. */
  COUNTS_SCRATCH_BYTES: { readonly value: number };
}

/**
 * The counts on the WebAssembly kernel (src/util/wasm/colorhash.as.ts), streaming the pixels through it a run of
 * rows at a time and adding up each run's counts; null when it is not built.
 */
function wasmCounts(image: Image): ColourCounts | null {
  const kernel = wasmKernel<ColourKernel>('colorhash');
  if (!kernel) return null;
  const step = image.channels;
  const total = new Array<number>(14).fill(0);
  let counts = 0;
  const streamed = streamRows(
    kernel,
    image.data,
    image.width * step,
    image.height,
    kernel.COUNTS_SCRATCH_BYTES.value,
    (scratch) => (counts = scratch),
    (src, _first, rows) => {
      kernel.colorCounts(src, rows * image.width, step, counts);
      const c = new Int32Array(kernel.memory.buffer, counts, 14);
      for (let k = 0; k < 14; k++) total[k]! += c[k]!;
    },
  );
  if (!streamed) return null;
  return { black: total[0]!, greyish: total[1]!, faint: total.slice(2, 8), bright: total.slice(8, 14) };
}

/** The counts in JavaScript, from PIL's "L" conversion and a saturation table (the kernel's oracle). */
function jsCounts(image: Image, n: number): ColourCounts {
  const intensity = pilGrey(image).data;
  const saturation = saturationTable();
  const src = image.data;
  const step = image.channels;
  const grey = step === 1;
  let black = 0;
  let greyish = 0;
  const faint = [0, 0, 0, 0, 0, 0];
  const bright = [0, 0, 0, 0, 0, 0];
  for (let i = 0, s = 0; i < n; i++, s += step) {
    if (intensity[i]! < BLACK_BELOW) {
      black++;
      continue;
    }
    const r = src[s]!;
    const g = grey ? r : src[s + 1]!;
    const b = grey ? r : src[s + 2]!;
    const maxc = r > g ? (r > b ? r : b) : g > b ? g : b;
    const minc = r < g ? (r < b ? r : b) : g < b ? g : b;
    const sat = saturation[(maxc << 8) | (maxc - minc)]!;
    if (sat < GREY_BELOW) {
      greyish++;
      continue;
    }
    if (sat < FAINT_BELOW) faint[hueBin(pilHue(r, g, b))]!++;
    else if (sat > FAINT_BELOW) bright[hueBin(pilHue(r, g, b))]!++;
  }
  return { black, greyish, faint, bright };
}

/** colorhash's pixel counts of an image: on the WebAssembly kernel when it is built, else in JavaScript. */
export function colorhashCounts(image: Image): ColourCounts {
  const n = image.width * image.height;
  return wasmCounts(image) ?? jsCounts(image, n);
}

/** imagehash's encoding of a quantised fraction v: bit i = (v // 2^(binbits−i−1)) % 2^(binbits−i) > 0. */
function encode(v: number, binbits: number, out: number[]): void {
  for (let i = 0; i < binbits; i++) out.push(Math.floor(v / 2 ** (binbits - i - 1)) % 2 ** (binbits - i) > 0 ? 1 : 0);
}

/** colorhash(image, binbits): 14 × binbits bits (42 for the default binbits 3). */
export function colorhash(binbits = 3): Hasher<string> {
  if (!Number.isInteger(binbits) || binbits < 1 || binbits > 16)
    throw new RangeError(`colorhash binbits must be an integer from 1 to 16, got ${binbits}`);
  const id = binbits === 3 ? 'colorhash' : `colorhash:${binbits}`;
  const nbits = 14 * binbits;
  const maxValue = 2 ** binbits;
  return defineHasher({
    id,
    nbits,
    hash(image: Image): Hash<string> {
      const n = image.width * image.height;
      const { black, greyish, faint, bright } = colorhashCounts(image);
      const colours = n - black - greyish;
      const c = Math.max(1, colours);
      const quantise = (fraction: number): number => Math.min(maxValue - 1, Math.trunc(fraction * maxValue));
      const bits: number[] = [];
      encode(quantise(black / n), binbits, bits);
      encode(quantise(greyish / n), binbits, bits);
      for (const count of [...faint, ...bright])
        encode(Math.min(maxValue - 1, Math.trunc((count * maxValue) / c)), binbits, bits);
      return packMsbFirst(id, bits);
    },
  });
}
