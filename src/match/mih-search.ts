// Exact radius and k-nearest search with multi-index hashing (Norouzi, Punjani & Fleet, CVPR 2012 / TPAMI 2014).
//
// The indexed substrings are disjoint, so if d(query, x) ≤ r = s·m + a (0 ≤ a < m) then at least one of the
// first a+1 tables has its substring within s bits, or one of the others within s−1 bits (otherwise the
// distances would sum to at least (a+1)(s+1) + (m−a−1)s = r+1). Probing those neighbourhoods and verifying every
// candidate by its full distance finds exactly the entries a linear scan finds.
import { byteSum, distanceKernel, pairByteCounts } from './distance.js';
import { MatchError } from './errors.js';
import type { PackedHashes } from './packed.js';
import { MatchBuffer, type Match } from './results.js';
import { neighbourMasks, substringKey } from './substring.js';
import type { SubstringTable } from './substring-table.js';

/** Substring search radius of table t (0-based) for total radius r over m tables; −1 means the table is skipped. */
export function tableRadius(r: number, m: number, t: number): number {
  const s = Math.floor(r / m);
  return t <= r - s * m ? s : s - 1;
}

/** The smallest total radius that probing every table at substring radius s covers completely: m·(s+1) − 1. */
export const coveredRadius = (m: number, s: number): number => m * (s + 1) - 1;

/**
 * Searches one database through its substring tables; holds per-search scratch, so one per thread.
 *
 * A search runs in phases, each a loop whose branches do not wait on the memory it loads: directory lookups
 * for every probe, then the candidate ids of every bucket, then deduplication, gathering and verification. Memory
 * latency dominates (every step is a random access into a large array), and separating the phases lets the
 * processor keep many of those loads in flight instead of stalling on each bucket's length.
 */
export class MihSearcher {
  private readonly seen: Int32Array;
  private candidates: Int32Array = new Int32Array(4096);
  private bucketBegin: Int32Array = new Int32Array(1024);
  private bucketEnd: Int32Array = new Int32Array(1024);
  private readonly distance: (data: Int32Array, i: number, q: Int32Array, j: number) => number;
  private gathered: Int32Array = new Int32Array(8 * 4096);

  constructor(
    readonly hashes: PackedHashes,
    readonly tables: readonly SubstringTable[],
  ) {
    if (tables.length === 0) throw new MatchError('argument', 'multi-index search needs at least one substring table');
    this.seen = new Int32Array(Math.ceil(hashes.count / 32));
    this.distance = distanceKernel(hashes.words);
  }

  /** Appends every entry within `radius` of the query to `out` (unordered). */
  radiusInto(query: Int32Array, radius: number, out: MatchBuffer): void {
    if (query.length < this.hashes.words)
      throw new MatchError('argument', `query has ${query.length} words, the database ${this.hashes.words}`);
    const m = this.tables.length;
    let count = 0;
    for (let t = 0; t < m; t++) {
      const s = tableRadius(radius, m, t);
      if (s >= 0) count = this.collect(this.tables[t]!, query, s, count);
    }
    this.verify(query, radius, count, out);
  }

  /** Appends to the candidate list the ids in every bucket within `s` bits of the query's substring; returns the new length. */
  private collect(table: SubstringTable, query: Int32Array, s: number, count: number): number {
    const { blockShift, blockBase, bucketOffset, ids } = table;
    const masks = neighbourMasks(table.width, s);
    const probes = masks.length;
    if (this.bucketBegin.length < probes) {
      this.bucketBegin = new Int32Array(probes);
      this.bucketEnd = new Int32Array(probes);
    }
    const begin = this.bucketBegin;
    const end = this.bucketEnd;
    const key = substringKey(query, 0, table.start, table.width);
    let total = count;
    for (let p = 0; p < probes; p++) {
      const bucket = key ^ masks[p]!;
      const b = blockBase[bucket >> blockShift]! + bucketOffset[bucket]!;
      const e = blockBase[(bucket + 1) >> blockShift]! + bucketOffset[bucket + 1]!;
      begin[p] = b;
      end[p] = e;
      total += e - b;
    }
    if (total > this.candidates.length) {
      const grown = new Int32Array(Math.max(total, this.candidates.length * 2));
      grown.set(this.candidates.subarray(0, count));
      this.candidates = grown;
    }
    const candidates = this.candidates;
    for (let p = 0; p < probes; p++) {
      for (let j = begin[p]!, e = end[p]!; j < e; j++) candidates[count++] = ids[j]!;
    }
    return count;
  }

  /**
   * Verifies each distinct candidate by its full distance, in three passes: drop repeats (the seen-bitset is
   * small enough to stay cached); copy the remaining hashes into a contiguous buffer, a loop of independent loads
   * whose cache and TLB misses overlap; then compute the distances from that buffer.
   */
  private verify(query: Int32Array, radius: number, count: number, out: MatchBuffer): void {
    const { data, words } = this.hashes;
    const { seen, candidates } = this;
    let unique = 0;
    for (let c = 0; c < count; c++) {
      const id = candidates[c]!;
      const bit = 1 << (id & 31);
      const slot = id >> 5;
      if (seen[slot]! & bit) continue;
      seen[slot]! |= bit;
      candidates[unique++] = id;
    }
    for (let c = 0; c < unique; c++) seen[candidates[c]! >> 5] = 0;
    if (this.gathered.length < unique * words)
      this.gathered = new Int32Array(Math.max(unique * words, this.gathered.length * 2));
    const gathered = this.gathered;
    if (words === 8) {
      gather256(data, candidates, unique, gathered);
      verify256(gathered, query, candidates, unique, radius, out);
      return;
    }
    for (let c = 0; c < unique; c++) {
      const from = candidates[c]! * words;
      for (let w = 0; w < words; w++) gathered[c * words + w] = data[from + w]!;
    }
    const distance = this.distance;
    for (let c = 0; c < unique; c++) {
      const d = distance(gathered, c * words, query, 0);
      if (d <= radius) out.push(candidates[c]!, d);
    }
  }

  /** Every entry within `radius` of the query, nearest first (ties by position). */
  radius(query: Int32Array, radius: number): Match[] {
    const out = new MatchBuffer();
    this.radiusInto(query, radius, out);
    return out.toMatches();
  }
}

/** Copies the 256-bit hashes of `ids` into `out`, one after another. */
function gather256(data: Int32Array, ids: Int32Array, count: number, out: Int32Array): void {
  for (let c = 0, o = 0; c < count; c++, o += 8) {
    const b = ids[c]! * 8;
    out[o] = data[b]!;
    out[o + 1] = data[b + 1]!;
    out[o + 2] = data[b + 2]!;
    out[o + 3] = data[b + 3]!;
    out[o + 4] = data[b + 4]!;
    out[o + 5] = data[b + 5]!;
    out[o + 6] = data[b + 6]!;
    out[o + 7] = data[b + 7]!;
  }
}

/** Distances of gathered 256-bit hashes to the query (held in locals); matches are reported by their ids. */
function verify256(
  gathered: Int32Array,
  q: Int32Array,
  ids: Int32Array,
  count: number,
  radius: number,
  out: MatchBuffer,
): void {
  const q0 = q[0]!,
    q1 = q[1]!,
    q2 = q[2]!,
    q3 = q[3]!,
    q4 = q[4]!,
    q5 = q[5]!,
    q6 = q[6]!,
    q7 = q[7]!;
  for (let c = 0, b = 0; c < count; c++, b += 8) {
    const d =
      byteSum(
        pairByteCounts(gathered[b]! ^ q0, gathered[b + 1]! ^ q1) +
          pairByteCounts(gathered[b + 2]! ^ q2, gathered[b + 3]! ^ q3),
      ) +
      byteSum(
        pairByteCounts(gathered[b + 4]! ^ q4, gathered[b + 5]! ^ q5) +
          pairByteCounts(gathered[b + 6]! ^ q6, gathered[b + 7]! ^ q7),
      );
    if (d <= radius) out.push(ids[c]!, d);
  }
}
