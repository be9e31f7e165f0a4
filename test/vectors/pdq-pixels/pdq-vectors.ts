// Loads the PDQ test vectors for the pdq*.test.ts files: ThreatExchange's images and C++ hashes from ../shared, and
// the reference-decoded pixels committed beside this file (see README.md).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decodePnm } from '../../../src/image/pnm.js';
import type { Image } from '../../../src/image/types.js';
import { isPdqGreyImage, pdqPreResize } from '../../../src/hash/pdq-luma.js';

export const pixelsDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(pixelsDir, '..', '..', '..');
/** ThreatExchange's PDQ images and expected hashes, shared beside the repository. */
export const pdqVectorsDir = resolve(repoRoot, '..', 'shared', 'vectors', 'pdq');
export const haveSharedVectors = existsSync(join(pdqVectorsDir, 'expected', 'local-cpp.csv'));
export const missingVectorsNote = `PDQ vectors not found at ${pdqVectorsDir}: reference tests skipped`;

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const keys = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(keys.map((k, i) => [k, cells[i] ?? '']));
  });
}

/** One row of `local-cpp.csv`: the C++ tool's hash and quality for a file under `data/`. */
export interface CppExpectation {
  readonly file: string;
  readonly hex: string;
  readonly quality: number;
}

export function cppHashes(): CppExpectation[] {
  return readCsv(join(pdqVectorsDir, 'expected', 'local-cpp.csv')).map((r) => ({ file: r.file, hex: r.hash_hex, quality: Number(r.quality) }));
}

/** The reference's eight dihedral column names in `local-cpp-dihedral.csv`, in order. */
export const CPP_DIHEDRAL_COLUMNS = ['original', 'rotate90', 'rotate180', 'rotate270', 'flipx', 'flipy', 'flipplus1', 'flipminus1'] as const;

export function cppDihedralHashes(): { file: string; hexes: string[]; quality: number }[] {
  return readCsv(join(pdqVectorsDir, 'expected', 'local-cpp-dihedral.csv')).map((r) => ({
    file: r.file,
    hexes: CPP_DIHEDRAL_COLUMNS.map((c) => r[c]),
    quality: Number(r.quality),
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
    file: r.file,
    pnmGz: r.pnm_gz,
    width: Number(r.width),
    height: Number(r.height),
    channels: Number(r.channels) as 1 | 3,
    sha256: r.pixels_sha256,
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
    for (let k = 0; k < channels; k++) out[i * channels + k] = shrunk.data[i * shrunk.channels + (shrunk.channels === 1 ? 0 : k)];
  }
  return out;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
