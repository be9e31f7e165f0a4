// The eight dihedral transforms (rotations and flips) of an image, applied to PDQ's 16×16 DCT block instead of pixels.
//
// Mirroring a 64-sample axis multiplies the DCT coefficient of frequency u by (−1)^u; PDQ's cell i holds frequency
// i + 1, so a mirror negates the cells with even index along that axis, and a transpose swaps i and j. One DCT thus
// gives all eight hashes, as `dct16OriginalTo*` in `pdq/cpp/hashing/pdqhashing.cpp` compute them. Cell (i, j) has i
// the vertical frequency (rows) and j the horizontal one.

/**
 * Short names of the eight variants, in the reference's order, each the hash of the image transformed so:
 * `orig` (reference: original), `r90` (rotate90: turned 90° anticlockwise), `r180` (rotate180), `r270` (rotate270:
 * 90° clockwise), `flipx` (flipX: mirrored top to bottom), `flipy` (flipY: mirrored left to right), `flipplus1`
 * (flipPlus1: transposed, mirrored about the main diagonal) and `flipminus1` (flipMinus1: mirrored about the
 * anti-diagonal).
 */
export const PDQ_DIHEDRAL_NAMES = ['orig', 'r90', 'r180', 'r270', 'flipx', 'flipy', 'flipplus1', 'flipminus1'] as const;

export type PdqDihedralName = (typeof PDQ_DIHEDRAL_NAMES)[number];

/** How each variant maps cell (i, j) of the original block: whether i and j swap, and which parities negate it. */
interface DihedralRule {
  readonly transpose: boolean;
  /** Negate when this returns true for (i, j) of the original block. */
  readonly negate: (i: number, j: number) => boolean;
}

const RULES: Readonly<Record<PdqDihedralName, DihedralRule>> = {
  orig: { transpose: false, negate: () => false },
  r90: { transpose: true, negate: (_i, j) => (j & 1) === 0 },
  r180: { transpose: false, negate: (i, j) => ((i + j) & 1) === 1 },
  r270: { transpose: true, negate: (i) => (i & 1) === 0 },
  flipx: { transpose: false, negate: (i) => (i & 1) === 0 },
  flipy: { transpose: false, negate: (_i, j) => (j & 1) === 0 },
  flipplus1: { transpose: true, negate: () => false },
  flipminus1: { transpose: true, negate: (i, j) => ((i + j) & 1) === 1 },
};

/** The 16×16 DCT block (row-major) of the image transformed by the named variant, derived from the original block. */
export function pdqDihedralDct(dct16x16: Float32Array, name: PdqDihedralName): Float32Array {
  const rule = RULES[name];
  const out = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const v = dct16x16[i * 16 + j]!;
      out[rule.transpose ? j * 16 + i : i * 16 + j] = rule.negate(i, j) ? -v : v;
    }
  }
  return out;
}
