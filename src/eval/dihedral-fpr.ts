// The `pdq-dihedral` row of an FPR run: PDQ as deployed, each photo compared in its eight rotations and mirror images.
// The distance of an unrelated pair (i, j), i before j, is the smallest Hamming distance between any of the eight
// dihedral hashes of image i and the plain hash of image j: the query photo tried eight ways against one entry.
import { fromHex } from '../hash/bits.js';
import { createHashers, hashFile } from '../hash/hash-image.js';
import { hammingBytes } from '../hash/hamming.js';
import type { ImageHistograms } from './image-histograms.js';
import type { PairHistogram } from './pair-histogram.js';

export const PDQ_DIHEDRAL_ROW = 'pdq-dihedral';
/** Above this many images the row is not computed (eight comparisons a pair, in one process). */
export const DIHEDRAL_IMAGE_LIMIT = 4000;

export interface DihedralInput {
  readonly id: string;
  readonly path: string;
  /** The image's near-duplicate group as a small integer; rows must be ordered so that groups are contiguous. */
  readonly group: number;
}

/** The eight dihedral PDQ hashes of each image (original first), or null for an image that failed to hash. */
async function dihedralHashes(
  items: readonly DihedralInput[],
  flattenAlpha: string | undefined,
): Promise<(Uint8Array[] | null)[]> {
  const [pdq] = createHashers(['pdq']);
  const out: (Uint8Array[] | null)[] = [];
  for (const item of items) {
    const rows = await hashFile(item.path, [pdq!], { flattenAlpha, dihedral: true });
    out.push(
      rows.length === 8 && rows.every((r) => r.hash && !r.error)
        ? rows.map((r) => fromHex('pdq', 256, r.hash).bits)
        : null,
    );
  }
  return out;
}

/**
 * The histogram and per-image histograms of min-over-eight distances for every cross-group pair of the items,
 * less the excluded (duplicate) row pairs.
 */
export async function pdqDihedralHistogram(
  items: readonly DihedralInput[],
  flattenAlpha: string | undefined,
  exclude: readonly (readonly [number, number])[],
): Promise<(PairHistogram & { readonly images: ImageHistograms; readonly hashed: number }) | null> {
  if (items.length > DIHEDRAL_IMAGE_LIMIT) return null;
  const all = await dihedralHashes(items, flattenAlpha);
  const keep = items.map((_, k) => k).filter((k) => all[k] !== null);
  const excluded = new Set(exclude.map(([a, b]) => `${Math.min(a, b)},${Math.max(a, b)}`));
  const width = 257;
  const counts = new Array<number>(width).fill(0);
  const rows = keep.map(() => new Array<number>(width).fill(0));
  let population = 0;
  let dropped = 0;
  for (let x = 0; x < keep.length; x++) {
    const i = keep[x]!;
    const vi = all[i]!;
    for (let y = x + 1; y < keep.length; y++) {
      const j = keep[y]!;
      if (items[i]!.group === items[j]!.group) continue;
      population++;
      if (excluded.has(`${i},${j}`)) {
        dropped++;
        continue;
      }
      const oj = all[j]![0]!;
      let d = 256;
      for (const v of vi) d = Math.min(d, hammingBytes(v, oj));
      counts[d]!++;
      rows[x]![d]!++;
      rows[y]![d]!++;
    }
  }
  const images: ImageHistograms = {
    nbits: 256,
    images: rows.map((row, x) => {
      let lo = 0;
      let hi = width - 1;
      while (lo <= hi && row[lo] === 0) lo++;
      while (hi >= lo && row[hi] === 0) hi--;
      return { group: items[keep[x]!]!.group, offset: lo > hi ? 0 : lo, counts: lo > hi ? [] : row.slice(lo, hi + 1) };
    }),
  };
  return { nbits: 256, counts, population, sampled: false, excluded: dropped, images, hashed: keep.length };
}
