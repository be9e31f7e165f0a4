// PDQ up to its DCT (float luminance of the pre-resized image, Jarosz tent filter, centre sampling to 64×64, the 16×16
// DCT and the quality score) on the WebAssembly kernel src/util/wasm/pdq.as.ts: the decoded pixels go in, the small
// results come out, no full-size plane is copied back. The stages after the luminance also run on a plane another
// kernel made in its own memory (the attack's builder makes a candidate's luminance without its pixels). luma.ts,
// jarosz.ts, dct.ts and quality.ts are its oracle and the fallback when the kernel is not built.
import type { Image } from '../../image/types.js';
import { placedBytes, placeViews, stageInput, wasmKernel, type ScratchKernel } from '../../util/wasm.js';
import { pdqDctMatrix, PDQ_DCT_DIM } from './dct.js';
import { centreIndices, PDQ_DOWNSAMPLE_DIM, pdqJaroszWindowSize } from './jarosz.js';
import { nearestIndices, PDQ_LUMA_TABLES, pdqWorkingSize } from './luma.js';

/** A kernel with PDQ's stages after the luminance (pdq.as.ts's own, or re-exported by a kernel that makes one). */
export interface PdqStageKernel extends ScratchKernel {
  downsample64(
    a: number,
    b: number,
    rows: number,
    cols: number,
    windowAlongRows: number,
    windowAlongCols: number,
    sampledRows: number,
    sampledCols: number,
    strips: number,
    out: number,
  ): void;
  dct64To16(a: number, d: number, dt: number, t: number, out: number): void;
  quality(a: number): number;
}

interface PdqKernel extends PdqStageKernel {
  isGrey(src: number, n: number, step: number): number;
  luma(
    src: number,
    rowBytes: number,
    rows: number,
    cols: number,
    outWidth: number,
    outHeight: number,
    grey: number,
    tables: number,
    out: number,
  ): void;
}

/** The DCT basis (16 × 64) and its transpose (64 × 16), as the kernel reads them. */
const DCT_BASIS = pdqDctMatrix();
const DCT_BASIS_T = Float32Array.from({ length: DCT_BASIS.length }, (_, i) => DCT_BASIS[(i % 16) * 64 + (i >> 4)]!);

/** The 64×64 downsample, its 16×16 DCT block and the quality score. */
export interface PdqStages {
  readonly downsampled: Float32Array;
  readonly dct: Float32Array;
  readonly quality: number;
}

/** The kernel pads plane rows to whole groups of 16 floats. */
const padded = (n: number): number => (n + 15) & ~15;

/** Bytes of a rows × cols plane as the kernel lays it out (it also holds the 64 sampled columns of every row). */
export const pdqPlaneBytes = (rows: number, cols: number): number =>
  padded(rows) * Math.max(padded(cols), PDQ_DOWNSAMPLE_DIM) * 4;

/** Typed arrays the kernel reads, placed together, cached per shape (an attack hashes one size thousands of times). */
interface Parts {
  readonly views: readonly (Float32Array | Int32Array)[];
  readonly bytes: number;
}

function cached(cache: Map<string, Parts>, key: string, make: () => Parts['views']): Parts {
  let parts = cache.get(key);
  if (parts === undefined) {
    const views = make();
    parts = { views, bytes: placedBytes(views) };
    if (cache.size >= 16) cache.clear();
    cache.set(key, parts);
  }
  return parts;
}

const stageParts = new Map<string, Parts>();
const lumaParts = new Map<string, Parts>();

/** The sampled rows and columns and the DCT basis, for a rows × cols plane. */
function stagePartsFor(rows: number, cols: number): Parts {
  return cached(stageParts, `${cols}x${rows}`, () => [
    centreIndices(rows, PDQ_DOWNSAMPLE_DIM),
    centreIndices(cols, PDQ_DOWNSAMPLE_DIM),
    DCT_BASIS,
    DCT_BASIS_T,
  ]);
}

/** The luma weight tables and the nearest-neighbour indices of an input shape. */
function lumaPartsFor(image: Image, rows: number, cols: number): Parts {
  return cached(lumaParts, `${image.width}x${image.height}x${image.channels}>${cols}x${rows}`, () => [
    PDQ_LUMA_TABLES,
    nearestIndices(image.height, rows),
    nearestIndices(image.width, cols).map((x) => x * image.channels),
  ]);
}

/** Bytes `pdqStagesOfLuma` needs after the luminance plane for a rows × cols plane. */
export function pdqStageBytes(rows: number, cols: number): number {
  const n = PDQ_DOWNSAMPLE_DIM;
  // The second plane, the 64×64 output, the DCT's scratch and result, two strips of 16 transposed rows.
  const work = pdqPlaneBytes(rows, cols) + n * n * 4 + PDQ_DCT_DIM * n * 4 + PDQ_DCT_DIM * PDQ_DCT_DIM * 4;
  return stagePartsFor(rows, cols).bytes + work + 2 * 16 * Math.max(padded(cols), n) * 4;
}

/** Where the parts are now, per kernel (each writes only its planes and outputs after them). */
const placed = new Map<PdqStageKernel, { parts: Parts; buffer: ArrayBuffer; at: number; where: readonly number[] }>();

function place(kernel: PdqStageKernel, parts: Parts, at: number): readonly number[] {
  const memory = kernel.memory.buffer;
  const now = placed.get(kernel);
  if (now?.parts === parts && now.buffer === memory && now.at === at) return now.where;
  const where = placeViews(memory, at, parts.views);
  placed.set(kernel, { parts, buffer: memory, at, where });
  return where;
}

/**
 * PDQ's stages of the rows × cols luminance plane at `luma` in the kernel's memory (rows padded to 16 floats, the
 * padding zero, as pdq.as.ts's `luma` writes it; overwritten), with `pdqStageBytes(rows, cols)` of scratch at
 * `scratch` (16-byte aligned): the 64×64 downsample, its DCT and quality, as `wasmPdqStages` gives them.
 */
export function pdqStagesOfLuma(
  kernel: PdqStageKernel,
  luma: number,
  rows: number,
  cols: number,
  scratch: number,
): PdqStages {
  const n = PDQ_DOWNSAMPLE_DIM;
  const parts = stagePartsFor(rows, cols);
  const [sampledRows, sampledCols, basis, basisT] = place(kernel, parts, scratch);
  const a = scratch + parts.bytes;
  const out = a + pdqPlaneBytes(rows, cols);
  const dctScratch = out + n * n * 4;
  const dct = dctScratch + PDQ_DCT_DIM * n * 4;
  const strips = dct + PDQ_DCT_DIM * PDQ_DCT_DIM * 4;
  kernel.downsample64(
    a,
    luma,
    rows,
    cols,
    pdqJaroszWindowSize(cols, n),
    pdqJaroszWindowSize(rows, n),
    sampledRows!,
    sampledCols!,
    strips,
    out,
  );
  kernel.dct64To16(out, basis!, basisT!, dctScratch, dct);
  const memory = kernel.memory.buffer;
  return {
    downsampled: new Float32Array(memory, out, n * n).slice(),
    dct: new Float32Array(memory, dct, PDQ_DCT_DIM * PDQ_DCT_DIM).slice(),
    quality: kernel.quality(out),
  };
}

/**
 * On the kernel: the 64×64 floats `pdqDownsample64(pdqLuma(image, preResize), false)` returns, their
 * `pdqDct64To16` and `pdqQualityMetric`; null when the kernel is not built or memory cannot hold the planes. The
 * working size must be at least 5×5 (PDQ's minimum).
 */
export function wasmPdqStages(image: Image, preResize: boolean): PdqStages | null {
  const kernel = wasmKernel<PdqKernel>('pdq');
  if (kernel === null) return null;
  const { width: cols, height: rows } = pdqWorkingSize(image.width, image.height, preResize);
  const channels = image.channels;
  const parts = lumaPartsFor(image, rows, cols);
  const planeBytes = pdqPlaneBytes(rows, cols);
  const at = stageInput(kernel, image.data, parts.bytes + planeBytes + pdqStageBytes(rows, cols));
  if (at === null) return null;
  const [tables, rowIndex, colOffset] = placeViews(kernel.memory.buffer, at.scratch, parts.views);
  const b = at.scratch + parts.bytes;
  const grey = kernel.isGrey(at.input, image.width * image.height, channels);
  kernel.luma(at.input, image.width * channels, rowIndex!, colOffset!, cols, rows, grey, tables!, b);
  return pdqStagesOfLuma(kernel, b, rows, cols, b + planeBytes);
}
