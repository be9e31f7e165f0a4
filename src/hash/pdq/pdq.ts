// PDQ, Meta's photo hash from ThreatExchange, bit-compatible with its C++ reference tool `pdq-photo-hasher`.
//
// Pipeline (pdq/cpp): nearest-neighbour shrink to 512×512 when a side is over 512 → float luminance → two-pass Jarosz
// tent filter and centre sampling to 64×64 → quality score → DCT coefficients 1..16 × 1..16 → median threshold.
// Every step runs in single precision with the reference's operation order, so the same pixels give the same bits.
import type { Image } from '../../image/types.js';
import { PDQ_ALGO, PDQ_BITS, pdqEmptyHash, pdqHashFromDct, type PdqHash } from './bits.js';
import { pdqDct64To16 } from './dct.js';
import { pdqDihedralDct, PDQ_DIHEDRAL_NAMES, type PdqDihedralName } from './dihedral.js';
import { PDQ_DOWNSAMPLE_DIM, pdqDownsample64 } from './jarosz.js';
import { wasmPdqStages } from './kernel.js';
import { pdqLuma, pdqWorkingSize } from './luma.js';
import { pdqQualityMetric } from './quality.js';
import { defineHasher } from '../define.js';
import type { Hasher, NamedHash } from '../types.js';

/** The reference returns an all-zero hash with quality 0 for images under this many pixels on a side. */
const PDQ_MIN_HASHABLE_DIM = 5;

export interface PdqOptions {
  /**
   * Shrink images over 512 on a side to 512×512 first, as the C++ tool does (default true). False hashes the full
   * resolution, as the Java reference does (the Python one instead shrinks keeping the aspect ratio).
   */
  readonly preResize?: boolean;
}

/** A PDQ hash of one dihedral variant of an image. */
export interface PdqNamedHash extends NamedHash<'pdq', 256> {
  readonly name: PdqDihedralName;
}

/**
 * The 16×16 DCT block and quality of an image, or undefined when it is too small to hash. `copy64` keeps the single
 * hash path's shortcut for 64×64 input (used as is, unfiltered), which the reference's dihedral path lacks.
 */
function dctAndQuality(
  image: Image,
  options: PdqOptions,
  copy64: boolean,
): { dct: Float32Array; quality: number } | undefined {
  const preResize = options.preResize ?? true;
  const { width, height } = pdqWorkingSize(image.width, image.height, preResize);
  if (width < PDQ_MIN_HASHABLE_DIM || height < PDQ_MIN_HASHABLE_DIM) return undefined;
  const unfiltered = copy64 && width === PDQ_DOWNSAMPLE_DIM && height === PDQ_DOWNSAMPLE_DIM;
  const fast = unfiltered ? null : wasmPdqStages(image, preResize);
  if (fast) return fast;
  const downsampled = pdqDownsample64(pdqLuma(image, preResize), copy64);
  return { dct: pdqDct64To16(downsampled), quality: pdqQualityMetric(downsampled) };
}

/** The PDQ hash of decoded pixels, with its quality (0–100); the same bits as `pdq-photo-hasher` on these pixels. */
export function pdqHashImage(image: Image, options: PdqOptions = {}): PdqHash {
  const r = dctAndQuality(image, options, true);
  return r ? pdqHashFromDct(r.dct, r.quality) : pdqEmptyHash();
}

/**
 * The hashes of the image's eight dihedral transforms, from one DCT, named and ordered as `PDQ_DIHEDRAL_NAMES`
 * (original first); each carries the image's quality. Equal to `pdq-photo-hasher --pdqdih` on these pixels.
 */
export function pdqDihedralHashes(image: Image, options: PdqOptions = {}): PdqNamedHash[] {
  const r = dctAndQuality(image, options, false);
  return PDQ_DIHEDRAL_NAMES.map((name) => ({
    name,
    hash: r ? pdqHashFromDct(pdqDihedralDct(r.dct, name), r.quality) : pdqEmptyHash(),
  }));
}

/** The hashers `pdq()` made: their hash of pixels is `pdqHashImage` with the default options. */
const defaultPdqHashers = new WeakSet<Hasher>();

/** Whether `hasher` is one `pdq()` made, whose hash of an image is `pdqHashImage(image)` (the C++ tool's pre-resize). */
export function isDefaultPdq(hasher: Hasher): boolean {
  return defaultPdqHashers.has(hasher);
}

/**
 * The `pdq` hasher: 256 bits and a quality score exactly as the C++ tool computes them, from pixels decoded as it
 * decodes (EXIF orientation ignored, alpha dropped without compositing, grey images hashed from their grey values).
 */
export function pdq(): Hasher<'pdq', 256> {
  const hasher = defineHasher({
    id: PDQ_ALGO,
    nbits: PDQ_BITS,
    hasQuality: true,
    hash: (image: Image) => pdqHashImage(image),
    dihedral: (image: Image) => pdqDihedralHashes(image),
  });
  defaultPdqHashers.add(hasher);
  return hasher;
}
