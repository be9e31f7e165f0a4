// PDQ up to its DCT (float luminance of the pre-resized image, Jarosz tent filter, centre sampling to 64×64, the 16×16
// DCT and the quality score) on the WebAssembly kernel src/util/wasm/pdq.as.ts: the decoded pixels go in, the small
// results come out, no full-size plane is copied back. luma.ts, jarosz.ts, dct.ts and quality.ts are its oracle and
// the fallback when the kernel is not built.
import type { Image } from '../../image/types.js';
import { placedBytes, placeViews, stageInput, wasmKernel, type ScratchKernel } from '../../util/wasm.js';
import { pdqDctMatrix, PDQ_DCT_DIM } from './dct.js';
import { centreIndices, PDQ_DOWNSAMPLE_DIM, pdqJaroszWindowSize } from './jarosz.js';
import { nearestIndices, PDQ_LUMA_TABLES, pdqWorkingSize } from './luma.js';

interface PdqKernel extends ScratchKernel {
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

/**
 * On the kernel: the 64×64 floats `pdqDownsample64(pdqLuma(image, preResize), false)` returns, their
 * `pdqDct64To16` and `pdqQualityMetric`; null when the kernel is not built or memory cannot hold the planes. The
 * working size must be at least 5×5 (PDQ's minimum).
 */
/** What the kernel reads besides the pixels for one input shape (the weight tables, indices, basis). */
interface Parts {
  readonly views: readonly (Float32Array | Int32Array | Float64Array)[];
  readonly bytes: number;
}

/** Parts per input shape (a few shapes recur: an attack hashes one size thousands of times). */
const partsByShape = new Map<string, Parts>();

function partsFor(image: Image, rows: number, cols: number): Parts {
  const key = `${image.width}x${image.height}x${image.channels}>${cols}x${rows}`;
  let parts = partsByShape.get(key);
  if (parts === undefined) {
    const views = [
      PDQ_LUMA_TABLES,
      nearestIndices(image.height, rows),
      nearestIndices(image.width, cols).map((x) => x * image.channels),
      centreIndices(rows, PDQ_DOWNSAMPLE_DIM),
      centreIndices(cols, PDQ_DOWNSAMPLE_DIM),
      DCT_BASIS,
      DCT_BASIS_T,
    ];
    parts = { views, bytes: placedBytes(views) };
    if (partsByShape.size >= 16) partsByShape.clear();
    partsByShape.set(key, parts);
  }
  return parts;
}

/** The parts the kernel's memory holds now, and where (the kernel writes only its planes and outputs after them). */
let staged: { readonly parts: Parts; readonly at: number; readonly where: readonly number[] } | undefined;

/**
 * On the kernel: the 64×64 floats `pdqDownsample64(pdqLuma(image, preResize), false)` returns, their
 * `pdqDct64To16` and `pdqQualityMetric`; null when the kernel is not built or memory cannot hold the planes. The
 * working size must be at least 5×5 (PDQ's minimum).
 */
export function wasmPdqStages(image: Image, preResize: boolean): PdqStages | null {
  const kernel = wasmKernel<PdqKernel>('pdq');
  if (kernel === null) return null;
  const { width: cols, height: rows } = pdqWorkingSize(image.width, image.height, preResize);
  const n = PDQ_DOWNSAMPLE_DIM;
  const windowAlongRows = pdqJaroszWindowSize(cols, n);
  const windowAlongCols = pdqJaroszWindowSize(rows, n);
  const channels = image.channels;
  const parts = partsFor(image, rows, cols);
  // A plane also holds the 64 sampled columns of every row, transposed (for images under 64 px wide).
  const planeBytes = padded(rows) * Math.max(padded(cols), n) * 4;
  const dctBytes = PDQ_DCT_DIM * PDQ_DCT_DIM * 4;
  const dctScratchBytes = PDQ_DCT_DIM * n * 4;
  // Two strips of 16 transposed rows for the passes along rows.
  const stripBytes = 2 * 16 * Math.max(padded(cols), n) * 4;
  const at = stageInput(
    kernel,
    image.data,
    parts.bytes + 2 * planeBytes + n * n * 4 + dctScratchBytes + dctBytes + stripBytes,
  );
  if (at === null) return null;
  const memory = kernel.memory.buffer;
  if (staged?.parts !== parts || staged.at !== at.scratch) {
    staged = { parts, at: at.scratch, where: placeViews(memory, at.scratch, parts.views) };
  }
  const [tables, rowIndex, colOffset, sampledRows, sampledCols, basis, basisT] = staged.where;
  const a = at.scratch + parts.bytes;
  const b = a + planeBytes;
  const out = b + planeBytes;
  const dctScratch = out + n * n * 4;
  const dct = dctScratch + dctScratchBytes;
  const strips = dct + dctBytes;
  const grey = kernel.isGrey(at.input, image.width * image.height, channels);
  kernel.luma(at.input, image.width * channels, rowIndex!, colOffset!, cols, rows, grey, tables!, b);
  kernel.downsample64(a, b, rows, cols, windowAlongRows, windowAlongCols, sampledRows!, sampledCols!, strips, out);
  kernel.dct64To16(out, basis!, basisT!, dctScratch, dct);
  return {
    downsampled: new Float32Array(memory, out, n * n).slice(),
    dct: new Float32Array(memory, dct, PDQ_DCT_DIM * PDQ_DCT_DIM).slice(),
    quality: kernel.quality(out),
  };
}
