// PDQ conformance, part 1 of Meta's rule: fed the pixels the C++ reference decoded, we give exactly its hash,
// quality and eight dihedral hashes, for every image of ThreatExchange's test set (test/vectors/pdq-pixels/README.md).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../src/image/decode.js';
import { pdqToHex } from '../src/hash/pdq/bits.js';
import { PDQ_DIHEDRAL_NAMES } from '../src/hash/pdq/dihedral.js';
import { pdqDihedralHashes, pdqHashImage } from '../src/hash/pdq/pdq.js';
import type { Image } from '../src/image/types.js';
import {
  cppDihedralHashes,
  cppHashes,
  loadCommittedPixels,
  pdqVectorsDir,
  referenceLayoutBytes,
  referencePixelsManifest,
  sha256Hex,
} from './vectors/pdq-pixels/pdq-vectors.js';

const expected = new Map(cppHashes().map((e) => [e.file, e]));
const expectedDihedral = new Map(cppDihedralHashes().map((e) => [e.file, e]));
const manifest = referencePixelsManifest();

/** Asserts our single hash and our dihedral set of `image` equal the C++ tool's for `file`. */
function expectReferenceHashes(file: string, image: Image): void {
  const cpp = expected.get(file)!;
  const hash = pdqHashImage(image);
  expect(pdqToHex(hash)).toBe(cpp.hex);
  expect(hash.quality).toBe(cpp.quality);
  const variants = pdqDihedralHashes(image);
  expect(variants.map((v) => v.name)).toEqual([...PDQ_DIHEDRAL_NAMES]);
  expect(variants.map((v) => pdqToHex(v.hash))).toEqual(expectedDihedral.get(file)!.hexes);
  for (const v of variants) expect(v.hash.quality).toBe(cpp.quality);
}

describe('PDQ on the C++ reference-decoded pixels', () => {
  it('the pixel manifest covers exactly the images the C++ hashes cover', () => {
    expect(manifest.map((m) => m.file).sort()).toEqual([...expected.keys()].sort());
    expect([...expectedDihedral.keys()].sort()).toEqual([...expected.keys()].sort());
  });

  for (const entry of manifest.filter((m) => m.pnmGz)) {
    it(`${entry.file}: committed pixels give the C++ hash, quality and dihedral set exactly`, () => {
      const image = loadCommittedPixels(entry);
      expect([image.width, image.height, image.channels]).toEqual([entry.width, entry.height, entry.channels]);
      expect(sha256Hex(image.data)).toBe(entry.sha256);
      expectReferenceHashes(entry.file, image);
    });
  }

  // The other large JPEGs are not committed (3.6 MB already); where our decoder yields byte-identical pixels to
  // the reference's (checked by digest, after the tool's 512×512 resize), the hashes must be identical too.
  for (const entry of manifest.filter((m) => !m.pnmGz)) {
    it(`${entry.file}: decoded pixels matching the reference digest give the C++ hashes exactly`, async (ctx) => {
      const image = await decodeImage(join(pdqVectorsDir, 'data', entry.file));
      const digest = sha256Hex(referenceLayoutBytes(image, entry.channels));
      if (digest !== entry.sha256)
        ctx.skip(`this platform's JPEG decoder differs from the reference's for ${entry.file}`);
      expectReferenceHashes(entry.file, image);
    });
  }
});
