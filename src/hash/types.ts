// The Hash value and the Hasher interface that every perceptual-hash algorithm implements.
import type { DecodeOptions, Image } from '../image/types.js';

/**
 * A perceptual hash: `nbits` bits packed big-endian into `bits` so that the bytes' hex, less its leading
 * padding digits, is the algorithm's canonical hex. Padding bits (at the top of the first byte) are always 0.
 * The type parameters brand a hash with its algorithm and length, so `Hash<'pdq', 256>` cannot be passed
 * where `Hash<'phash', 64>` is expected; at run time `assertComparable` enforces the same rule.
 */
export interface Hash<A extends string = string, N extends number = number> {
  readonly algo: A;
  readonly nbits: N;
  readonly bits: Uint8Array;
  /** Quality score 0–100, for algorithms that define one (PDQ). */
  readonly quality?: number;
}

/** A hash algorithm with its parameters fixed. */
export interface Hasher<A extends string = string, N extends number = number> {
  /** The id under which the algorithm and its parameters are registered and printed, e.g. `phash` or `phash:16`. */
  readonly id: A;
  readonly nbits: N;
  /** How images should be decoded to follow this algorithm's reference. */
  readonly decode: DecodeOptions;
  /** Whether the algorithm produces a quality score. */
  readonly hasQuality: boolean;
  hash(image: Image): Hash<A, N> | Promise<Hash<A, N>>;
  /**
   * For algorithms defined on the eight dihedral transforms of an image (PDQ): one hash per rotation/flip,
   * each with its short name (printed as `algo:name`, e.g. `pdq:r90`), the untransformed image first.
   */
  dihedral?(image: Image): readonly NamedHash<A, N>[] | Promise<readonly NamedHash<A, N>[]>;
}

/** A hash of one variant of an image, e.g. its 90° rotation. */
export interface NamedHash<A extends string = string, N extends number = number> {
  readonly name: string;
  readonly hash: Hash<A, N>;
}

/** Thrown when two hashes of different algorithms or lengths are compared, or a hash is malformed. */
export class HashError extends Error {
  override readonly name = 'HashError';
}
