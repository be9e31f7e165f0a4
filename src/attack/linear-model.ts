// The linear part of a hash as a white-box attacker models it: coefficients C = Ry · Y · Rxᵀ of the luma plane Y
// (float, no intermediate rounding) and the rule that turns them into bits. pHash, aHash, dHash, blockhash and PDQ
// all have this form; the real hashers round in between, which the attacks absorb with a margin.
import { bitAt } from '../hash/bits.js';
import { pdqBit, type PdqHash } from '../hash/pdq/bits.js';
import { pdqJaroszWindowSize, PDQ_DOWNSAMPLE_DIM } from '../hash/pdq/jarosz.js';
import { PDQ_DCT_DIM } from '../hash/pdq/dct.js';
import { pdqWorkingSize } from '../hash/pdq/luma.js';
import type { Hash } from '../hash/types.js';
import { resampleCoefficients } from '../image/pillow-resize.js';
import type { RgbImage } from './pixels.js';

/** How coefficients become bits: above their median, above their mean, above zero, or above the median of their band. */
export type ThresholdRule = 'median' | 'mean' | 'zero' | 'band-median';

export interface LinearHashModel {
  readonly algo: string;
  /** Coefficient grid: m rows (from the image's rows) × n columns; bit k is coefficient k in row-major order. */
  readonly m: number;
  readonly n: number;
  readonly height: number;
  readonly width: number;
  /** m × height and n × width, row-major. */
  readonly ry: Float64Array;
  readonly rx: Float64Array;
  readonly rule: ThresholdRule;
  /** For `band-median`: the number of horizontal bands, each thresholded at its own median. */
  readonly bands: number;
  /** The bits of a real hash of this algorithm in model order. */
  readonly unpack: (hash: Hash) => Uint8Array;
  /** Weights of R, G and B in the plane the hash reads: 601 luma, or R + G + B for blockhash. */
  readonly channels: readonly [number, number, number];
}

/** ITU-R BT.601 luma weights, as PIL's convert("L") and PDQ use them. */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

/** A dense matrix product (a: r × k, b: k × c), row-major. */
export function matMul(a: Float64Array, r: number, k: number, b: Float64Array, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let t = 0; t < k; t++) {
      const v = a[i * k + t]!;
      if (v === 0) continue;
      for (let j = 0; j < c; j++) out[i * c + j] = out[i * c + j]! + v * b[t * c + j]!;
    }
  }
  return out;
}

/** Pillow's LANCZOS resampling from `inSize` to `outSize` as an outSize × inSize matrix (its fixed-point weights). */
export function lanczosMatrix(outSize: number, inSize: number): Float64Array {
  const c = resampleCoefficients('lanczos', inSize, outSize);
  const m = new Float64Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    for (let x = 0; x < c.count[i]!; x++) m[i * inSize + c.first[i]! + x] = c.weights[i * c.ksize + x]! / (1 << 22);
  }
  return m;
}

/** scipy.fftpack's unnormalised DCT-II, rows 0..k−1 of the N-point transform: 2·cos(π·u·(2j+1)/(2N)). */
export function dctRows(k: number, n: number, first = 0): Float64Array {
  const m = new Float64Array(k * n);
  for (let u = 0; u < k; u++) {
    for (let j = 0; j < n; j++) m[u * n + j] = 2 * Math.cos((Math.PI * (u + first) * (2 * j + 1)) / (2 * n));
  }
  return m;
}

/** PDQ along one axis: nearest-neighbour pre-resize, two box passes (Jarosz), centre sampling to 64, DCT rows 1..16. */
function pdqAxis(size: number, working: number): Float64Array {
  const n64 = PDQ_DOWNSAMPLE_DIM;
  const pick = new Float64Array(working * size);
  for (let i = 0; i < working; i++) pick[i * size + Math.floor((i * size) / working)] = 1;
  let filtered: Float64Array = pick;
  if (working !== n64) {
    const window = pdqJaroszWindowSize(working, n64);
    const lead = ((window + 2) >> 1) - 1;
    const box = new Float64Array(working * working);
    for (let i = 0; i < working; i++) {
      const lo = Math.max(0, i + lead - window + 1);
      const hi = Math.min(working - 1, i + lead);
      for (let j = lo; j <= hi; j++) box[i * working + j] = 1 / (hi - lo + 1);
    }
    const sample = new Float64Array(n64 * working);
    for (let i = 0; i < n64; i++) sample[i * working + Math.floor(((i + 0.5) * working) / n64)] = 1;
    filtered = matMul(
      matMul(matMul(sample, n64, working, box, working), n64, working, box, working),
      n64,
      working,
      pick,
      size,
    );
  }
  const scale = Math.sqrt(2 / n64);
  const dct = new Float64Array(PDQ_DCT_DIM * n64);
  for (let i = 0; i < PDQ_DCT_DIM; i++) {
    for (let j = 0; j < n64; j++) dct[i * n64 + j] = scale * Math.cos((Math.PI / 2 / n64) * (i + 1) * (2 * j + 1));
  }
  return matMul(dct, PDQ_DCT_DIM, n64, filtered, size);
}

/** blockhash's block weights along one axis (the reference's fractional split of pixels between two blocks). */
function blockAxis(size: number, bits: number): Float64Array {
  const m = new Float64Array(bits * size);
  const blockSize = size / bits;
  for (let p = 0; p < size; p++) {
    if (size % bits === 0) {
      m[Math.floor(p / blockSize) * size + p] = 1;
      continue;
    }
    const mod = (p + 1) % blockSize;
    const frac = mod - Math.floor(mod);
    const lo = Math.floor(p / blockSize);
    const hi = mod - frac > 0 || p + 1 === size ? lo : Math.ceil(p / blockSize);
    m[lo * size + p] = m[lo * size + p]! + (1 - frac);
    m[hi * size + p] = m[hi * size + p]! + frac;
  }
  return m;
}

const msbFirst = (hash: Hash): Uint8Array => Uint8Array.from({ length: hash.nbits }, (_, i) => bitAt(hash, i));

function sizeParam(id: string, fallback: number): number {
  const colon = id.indexOf(':');
  return colon < 0 ? fallback : Number(id.slice(colon + 1));
}

/**
 * The linear model of the hasher `algo` (an id such as `pdq`, `phash`, `dhash:16`) for images of the given size, or
 * undefined when the algorithm has none (wHash, colorhash and learned hashes are attacked through queries).
 */
export function linearModelFor(algo: string, width: number, height: number): LinearHashModel | undefined {
  const base = algo.split(':')[0];
  const common = { algo, height, width, bands: 1, unpack: msbFirst, channels: LUMA_WEIGHTS };
  switch (base) {
    case 'pdq': {
      const w = pdqWorkingSize(width, height);
      const ry = pdqAxis(height, w.height);
      const rx = pdqAxis(width, w.width);
      const unpack = (hash: Hash): Uint8Array =>
        Uint8Array.from({ length: 256 }, (_, k) => (pdqBit(hash as PdqHash, k) ? 1 : 0));
      return { ...common, m: PDQ_DCT_DIM, n: PDQ_DCT_DIM, ry, rx, rule: 'median', unpack };
    }
    case 'phash': {
      const s = sizeParam(algo, 8);
      const side = 4 * s;
      const ry = matMul(dctRows(s, side), s, side, lanczosMatrix(side, height), height);
      const rx = matMul(dctRows(s, side), s, side, lanczosMatrix(side, width), width);
      return { ...common, m: s, n: s, ry, rx, rule: 'median' };
    }
    case 'ahash': {
      const s = sizeParam(algo, 8);
      return { ...common, m: s, n: s, ry: lanczosMatrix(s, height), rx: lanczosMatrix(s, width), rule: 'mean' };
    }
    case 'dhash': {
      const s = sizeParam(algo, 8);
      const diff = new Float64Array(s * (s + 1));
      for (let c = 0; c < s; c++) {
        diff[c * (s + 1) + c] = -1;
        diff[c * (s + 1) + c + 1] = 1;
      }
      const rx = matMul(diff, s, s + 1, lanczosMatrix(s + 1, width), width);
      return { ...common, m: s, n: s, ry: lanczosMatrix(s, height), rx, rule: 'zero' };
    }
    case 'blockhash': {
      const s = sizeParam(algo, 16);
      return {
        ...common,
        m: s,
        n: s,
        ry: blockAxis(height, s),
        rx: blockAxis(width, s),
        rule: 'band-median',
        bands: 4,
        channels: [1, 1, 1],
      };
    }
    default:
      return undefined;
  }
}

/** The luma plane every model reads: 0.299 R + 0.587 G + 0.114 B in double precision. */
export function lumaPlane(image: RgbImage): Float64Array {
  const n = image.width * image.height;
  const out = new Float64Array(n);
  const d = image.data;
  for (let i = 0, s = 0; i < n; i++, s += 3) out[i] = 0.299 * d[s]! + 0.587 * d[s + 1]! + 0.114 * d[s + 2]!;
  return out;
}

/** C = Ry · Y · Rxᵀ (m × n, row-major). */
export function coefficients(model: LinearHashModel, y: Float64Array): Float64Array {
  return coefficientsOfRows(model, (r, row) => row.set(y.subarray(r * model.width, (r + 1) * model.width)));
}

/** C of an RGB image's plane (its channels weighted as the model reads them), one row at a time: no full-size plane. */
export function coefficientsOfImage(model: LinearHashModel, image: RgbImage): Float64Array {
  const d = image.data;
  const [wr, wg, wb] = model.channels;
  return coefficientsOfRows(model, (r, row) => {
    for (let x = 0, s = 3 * r * image.width; x < image.width; x++, s += 3)
      row[x] = wr * d[s]! + wg * d[s + 1]! + wb * d[s + 2]!;
  });
}

/** C = Ry · (Y · Rxᵀ), Y's rows written one at a time into a reused buffer by `fill`. */
function coefficientsOfRows(model: LinearHashModel, fill: (r: number, row: Float64Array) => void): Float64Array {
  const { m, n, height, width, ry, rx } = model;
  const t = new Float64Array(height * n);
  const row = new Float64Array(width);
  for (let r = 0; r < height; r++) {
    fill(r, row);
    for (let j = 0; j < n; j++) {
      let s = 0;
      const o = j * width;
      for (let x = 0; x < width; x++) s += row[x]! * rx[o + x]!;
      t[r * n + j] = s;
    }
  }
  return matMul(ry, m, height, t, n);
}

function medianOf(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  return n % 2 === 0 ? (s[n / 2 - 1]! + s[n / 2]!) / 2 : s[(n - 1) / 2]!;
}

/** The threshold each coefficient is compared with under the model's rule. */
export function thresholds(model: LinearHashModel, c: Float64Array): Float64Array {
  const out = new Float64Array(c.length);
  switch (model.rule) {
    case 'zero':
      return out;
    case 'mean':
      return out.fill(c.reduce((a, b) => a + b, 0) / c.length);
    case 'median':
      return out.fill(medianOf(c));
    case 'band-median': {
      const band = c.length / model.bands;
      for (let b = 0; b < model.bands; b++)
        out.fill(medianOf(c.subarray(b * band, (b + 1) * band)), b * band, (b + 1) * band);
      return out;
    }
  }
}
