// Matching PDQ hashes: Hamming distance against ThreatExchange's threshold, plain and across the dihedral variants.
import type { PdqHash } from './bits.js';
import { hamming } from '../hamming.js';
import type { Hash, NamedHash } from '../types.js';

/** ThreatExchange's recommended match threshold: two PDQ hashes match when at most this many bits differ. */
export const PDQ_DEFAULT_MATCH_THRESHOLD = 31;

/** True when the hashes are within `threshold` bits (inclusive, as ThreatExchange's matchers compare). */
export function pdqMatch(a: PdqHash, b: PdqHash, threshold = PDQ_DEFAULT_MATCH_THRESHOLD): boolean {
  return hamming(a, b) <= threshold;
}

/** The query variant nearest a target hash, and its distance; ties go to the earlier variant (the original first). */
export interface PdqDihedralNearest {
  readonly name: string;
  readonly distance: number;
}

function variantHash(v: PdqHash | NamedHash<'pdq', 256>): Hash<'pdq', 256> {
  return 'hash' in v ? v.hash : v;
}

/** The nearest of the query's variants (e.g. `pdqDihedralHashes` of the query image) to the target; RangeError if none. */
export function pdqDihedralNearest(
  queryVariants: readonly NamedHash<'pdq', 256>[],
  target: PdqHash,
): PdqDihedralNearest {
  if (queryVariants.length === 0) throw new RangeError('dihedral matching needs at least one query variant');
  let best: PdqDihedralNearest = { name: queryVariants[0]!.name, distance: Infinity };
  for (const v of queryVariants) {
    const distance = hamming(v.hash, target);
    if (distance < best.distance) best = { name: v.name, distance };
  }
  return best;
}

/** Dihedral-aware distance: the minimum Hamming distance from any of the query's variants to the target. */
export function pdqDihedralDistance(
  queryVariants: readonly (PdqHash | NamedHash<'pdq', 256>)[],
  target: PdqHash,
): number {
  if (queryVariants.length === 0) throw new RangeError('dihedral matching needs at least one query variant');
  let best = Infinity;
  for (const v of queryVariants) best = Math.min(best, hamming(variantHash(v), target));
  return best;
}

/** True when some variant of the query is within `threshold` bits of the target: a match up to rotation and flips. */
export function pdqDihedralMatch(
  queryVariants: readonly (PdqHash | NamedHash<'pdq', 256>)[],
  target: PdqHash,
  threshold = PDQ_DEFAULT_MATCH_THRESHOLD,
): boolean {
  return pdqDihedralDistance(queryVariants, target) <= threshold;
}
