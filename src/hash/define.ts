// Builds a Hasher from the parts an algorithm must supply, filling in the common defaults.
import type { Hasher } from './types.js';

type RequiredParts<A extends string, N extends number> = Pick<Hasher<A, N>, 'id' | 'nbits' | 'hash'>;
type OptionalParts<A extends string, N extends number> = Partial<
  Pick<Hasher<A, N>, 'decode' | 'hasQuality' | 'dihedral'>
>;

/** A hasher with default decoding (each reference's own: EXIF, ICC and alpha as decoded) and no quality score. */
export function defineHasher<A extends string, N extends number>(
  parts: RequiredParts<A, N> & OptionalParts<A, N>,
): Hasher<A, N> {
  return { decode: {}, hasQuality: false, ...parts };
}
