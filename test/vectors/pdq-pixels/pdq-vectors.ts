// Loads the PDQ test vectors for the pdq*.test.ts files: ThreatExchange's images and C++ hashes (test/vectors/pdq), and
// the reference-decoded pixels committed beside this file (see README.md).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decodePnm } from '../../../src/image/pnm.js';
import type { Image } from '../../../src/image/types.js';
import { isPdqGreyImage, pdqPreResize } from '../../../src/hash/pdq/luma.js';

export const pixelsDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(pixelsDir, '..', '..', '..');
/** ThreatExchange's PDQ images and expected hashes, committed in the repository (test/vectors/pdq/README.md). */
export const pdqVectorsDir = resolve(repoRoot, 'test', 'vectors', 'pdq');

/** The rows of a CSV file without quoting, each as a function from column name to cell (a missing column throws). */
function readCsv(path: string): ((column: string) => string)[] {
  const [header = '', ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const keys = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return (column) => {
      const i = keys.indexOf(column);
      if (i < 0) throw new Error(`${path}: no column "${column}"`);
      return cells[i] ?? '';
    };
  });
}

/** One row of `local-cpp.csv`: the C++ tool's hash and quality for a file under `data/`. */
export interface CppExpectation {
  readonly file: string;
  readonly hex: string;
  readonly quality: number;
}

export function cppHashes(): CppExpectation[] {
  return readCsv(join(pdqVectorsDir, 'expected', 'local-cpp.csv')).map((r) => ({ file: r('file'), hex: r('hash_hex'), quality: Number(r('quality')) }));
}

/** The reference's eight dihedral column names in `local-cpp-dihedral.csv`, in order. */
export const CPP_DIHEDRAL_COLUMNS = ['original', 'rotate90', 'rotate180', 'rotate270', 'flipx', 'flipy', 'flipplus1', 'flipminus1'] as const;

export function cppDihedralHashes(): { file: string; hexes: string[]; quality: number }[] {
  return readCsv(join(pdqVectorsDir, 'expected', 'local-cpp-dihedral.csv')).map((r) => ({
    file: r('file'),
    hexes: CPP_DIHEDRAL_COLUMNS.map((c) => r(c)),
    quality: Number(r('quality')),
  }));
}

/** One row of manifest.csv: the pixels the C++ tool hashed for a file, by digest, and their PNM when committed. */
export interface ReferencePixels {
  readonly file: string;
  readonly pnmGz: string;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly sha256: string;
}

export function referencePixelsManifest(): ReferencePixels[] {
  return readCsv(join(pixelsDir, 'manifest.csv')).map((r) => ({
    file: r('file'),
    pnmGz: r('pnm_gz'),
    width: Number(r('width')),
    height: Number(r('height')),
    channels: Number(r('channels')) as 1 | 3,
    sha256: r('pixels_sha256'),
  }));
}

/** The committed reference-decoded image (gunzipped PNM through our reader). */
export function loadCommittedPixels(entry: ReferencePixels): Image {
  return decodePnm(gunzipSync(readFileSync(join(pixelsDir, entry.pnmGz))), 1e8);
}

/**
 * The bytes the C++ tool would hash for a decoded image, laid out as its PNM samples: our decode pre-resized by the
 * tool's rule, one byte per pixel for a grey image (ImageMagick hands such images over as PGM), else RGB; empty
 * when a grey layout is asked of a colour image.
 */
export function referenceLayoutBytes(image: Image, channels: 1 | 3): Uint8Array {
  if (channels === 1 && !isPdqGreyImage(image)) return new Uint8Array(0);
  const shrunk = pdqPreResize(image);
  const n = shrunk.width * shrunk.height;
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < channels; k++) out[i * channels + k] = shrunk.data[i * shrunk.channels + (shrunk.channels === 1 ? 0 : k)]!;
  }
  return out;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Kinds of synthetic test image; all are made with integer arithmetic only, so every platform makes the same bytes. */
export const SYNTHETIC_KINDS = ['noise', 'blocks', 'gradient', 'flat'] as const;
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

/** Image shapes that reach every branch: under the 5-pixel minimum, the 64×64 shortcut, window sizes 1 to 8+, the pre-resize both ways. */
export const SYNTHETIC_SIZES: readonly (readonly [number, number])[] = [
  [3, 3], [4, 9], [5, 5], [6, 7], [63, 64], [64, 64], [65, 64], [100, 37], [128, 128], [129, 130],
  [255, 511], [512, 512], [513, 300], [300, 513], [700, 900], [2000, 60], [64, 2000], [1024, 768],
];

/** A deterministic test image: `channels` 1 (grey) or 3, content by kind, seeded by a 32-bit LCG. */
export function syntheticImage(kind: SyntheticKind, width: number, height: number, channels: 1 | 3, seed: number): Image {
  let state = seed >>> 0;
  const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) >>> 24;
  const data = new Uint8Array(width * height * channels);
  if (kind === 'noise') {
    for (let i = 0; i < data.length; i++) data[i] = next();
  } else if (kind === 'flat') {
    for (let i = 0; i < data.length; i++) data[i] = 90 + (i % channels) * 40;
  } else if (kind === 'gradient') {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = ((x * 255 * (c + 1)) / width + (y * 200) / height + ((x * y) >> 6)) & 255;
      }
    }
  } else {
    for (let r = 0; r < 24; r++) {
      const x0 = (next() * width) >> 8;
      const y0 = (next() * height) >> 8;
      const x1 = Math.min(width, x0 + 1 + ((next() * width) >> 9));
      const y1 = Math.min(height, y0 + 1 + ((next() * height) >> 9));
      const colour = [next(), next(), next()];
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = colour[c]!;
    }
  }
  return { width, height, channels, data };
}

/** Every synthetic case: each size with each kind, alternating RGB and grey, seeded by its position. */
export function syntheticCases(): { name: string; image: Image }[] {
  const cases: { name: string; image: Image }[] = [];
  SYNTHETIC_SIZES.forEach(([w, h], i) => {
    SYNTHETIC_KINDS.forEach((kind, k) => {
      const channels = (i + k) % 2 === 0 ? 3 : 1;
      cases.push({ name: `${kind}-${w}x${h}-${channels === 3 ? 'rgb' : 'grey'}`, image: syntheticImage(kind, w, h, channels, 1000 * i + k + 1) });
    });
  });
  return cases;
}

/** A binary PNM (P5 or P6) of an 8-bit grey or RGB image, as the C++ tool reads it. */
export function encodePnm(image: Image): Uint8Array {
  const header = new TextEncoder().encode(`P${image.channels === 1 ? 5 : 6}\n${image.width} ${image.height}\n255\n`);
  const out = new Uint8Array(header.length + image.data.length);
  out.set(header);
  out.set(image.data, header.length);
  return out;
}
