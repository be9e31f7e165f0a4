// The plaintext truth near-duplicate protocols are judged against: which photos lie within Hamming distance r of some
// database entry, and which entries lie within r of some photo (a linear scan, as `scanlab match` without an index).
import type { IntersectionTruth } from '../../truth.js';
import { hammingBytes, parsePsiInput } from './hash-bits.js';

export function hammingTruth(
  database: readonly Uint8Array[],
  queries: readonly Uint8Array[],
  maxDistance: number,
): IntersectionTruth & { readonly distances: readonly (number | null)[] } {
  const db = database.map((y) => parsePsiInput(y));
  const q = queries.map((x) => parsePsiInput(x));
  const entryHit = new Array<boolean>(db.length).fill(false);
  const distances = q.map((x) => {
    let best: number | null = null;
    db.forEach((y, i) => {
      if (y.algo !== x.algo || y.nbits !== x.nbits) return;
      const d = hammingBytes(x.bits, y.bits);
      if (d <= maxDistance) entryHit[i] = true;
      if (best === null || d < best) best = d;
    });
    return best;
  });
  return {
    queryMatches: distances.map((d) => d !== null && d <= maxDistance),
    databaseMatches: entryHit.flatMap((hit, i) => (hit ? [i] : [])),
    distances,
  };
}
