// PDQ's input stage as the C++ reference tool runs it: the 512×512 nearest-neighbour pre-resize, then float luminance.
import type { Image } from '../../image/types.js';

/** The C++ tool (`pdq/cpp/io/pdqio.cpp`, DOWNSAMPLE_DIMS) shrinks any image wider or taller than this to exactly this square. */
const PDQ_PRE_RESIZE_DIM = 512;

/** ITU-R 601 luma weights as the reference stores them: C++ `float` constants (`pdq/cpp/hashing/pdqhashing.cpp`). */
const LUMA_R = Math.fround(0.299);
const LUMA_G = Math.fround(0.587);
const LUMA_B = Math.fround(0.114);

/** The three weights (R, G, B), each a float: the weight tables hold float(weight · v). */
export const PDQ_LUMA_WEIGHTS = [LUMA_R, LUMA_G, LUMA_B] as const;

/** float(weight · v) for every 8-bit v, so the hot loop only adds (each product is rounded to float, as in C++). */
function weightTable(weight: number): Float32Array {
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = weight * v;
  return t;
}
const TABLE_R = weightTable(LUMA_R);
const TABLE_G = weightTable(LUMA_G);
const TABLE_B = weightTable(LUMA_B);

/** The three weight tables end to end (R, G, B; 256 floats each), as the WebAssembly kernel reads them. */
export const PDQ_LUMA_TABLES: Float32Array = Float32Array.of(...TABLE_R, ...TABLE_G, ...TABLE_B);

/** A row-major single-precision plane, as the reference's `float*` buffers. */
export interface PdqLumaPlane {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/**
 * The source index that each output index reads in CImg's nearest-neighbour `resize` (interpolation 1), which the
 * tool calls as `resize(512, 512)`: output i reads floor(i · from / to). Both dimensions are resized, so the aspect
 * ratio is not kept and a dimension under 512 is stretched.
 */
export function nearestIndices(from: number, to: number): Int32Array {
  const idx = new Int32Array(to);
  for (let i = 0; i < to; i++) idx[i] = Math.floor((i * from) / to);
  return idx;
}

/** The size the reference hashes: the image's own, or 512×512 when either side is over 512. */
export function pdqWorkingSize(width: number, height: number, preResize = true): { width: number; height: number } {
  const shrink = preResize && (width > PDQ_PRE_RESIZE_DIM || height > PDQ_PRE_RESIZE_DIM);
  return shrink ? { width: PDQ_PRE_RESIZE_DIM, height: PDQ_PRE_RESIZE_DIM } : { width, height };
}

/**
 * True when the C++ tool sees the image as single-channel: it reads files through ImageMagick's `convert FILE pnm:-`,
 * which writes a grey PGM (or a PBM) whenever every pixel has R = G = B, and grey pixels then skip the luma weights.
 */
export function isPdqGreyImage(image: Image): boolean {
  if (image.channels === 1) return true;
  const { data, channels } = image;
  for (let i = 0; i < data.length; i += channels) {
    const r = data[i];
    if (r !== data[i + 1] || r !== data[i + 2]) return false;
  }
  return true;
}

/**
 * The reference's float luminance plane of an image: Y = 0.299 R + 0.587 G + 0.114 B evaluated in float, left to
 * right, or the grey value itself for grey images; alpha is ignored (not composited). With `preResize` (the default,
 * as the C++ tool) images over 512 on a side are first sampled down to 512×512 by CImg's nearest-neighbour rule.
 */
export function pdqLuma(image: Image, preResize = true): PdqLumaPlane {
  const { width, height } = pdqWorkingSize(image.width, image.height, preResize);
  const { data, channels } = image;
  const out = new Float32Array(width * height);
  const rowStride = image.width * channels;
  const rows = nearestIndices(image.height, height);
  const cols = nearestIndices(image.width, width);
  const colOffsets = cols.map((x) => x * channels);
  const grey = isPdqGreyImage(image);
  for (let y = 0, o = 0; y < height; y++) {
    const base = rows[y]! * rowStride;
    if (grey) {
      for (let x = 0; x < width; x++) out[o++] = data[base + colOffsets[x]!]!;
    } else {
      for (let x = 0; x < width; x++) {
        const p = base + colOffsets[x]!;
        out[o++] = Math.fround(TABLE_R[data[p]!]! + TABLE_G[data[p + 1]!]!) + TABLE_B[data[p + 2]!]!;
      }
    }
  }
  return { width, height, data: out };
}

/** The pixels the C++ tool hashes, as an image: the input itself, or its 512×512 nearest-neighbour sample. */
export function pdqPreResize(image: Image): Image {
  const { width, height } = pdqWorkingSize(image.width, image.height);
  if (width === image.width && height === image.height) return image;
  const cols = nearestIndices(image.width, width);
  const rows = nearestIndices(image.height, height);
  const c = image.channels;
  const out = new Uint8Array(width * height * c);
  for (let y = 0, o = 0; y < height; y++) {
    const rowStart = rows[y]! * image.width;
    for (let x = 0; x < width; x++) {
      const p = (rowStart + cols[x]!) * c;
      for (let k = 0; k < c; k++) out[o++] = image.data[p + k]!;
    }
  }
  return { width, height, channels: c, data: out };
}
