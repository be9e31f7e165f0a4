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
 * A search runs in phases, each a loop whose branches do not wait on the memory it loads: a touch pass that loads
 * the directory entry of every probe, the bucket ranges from those now cached entries, then the candidate ids of
 * every bucket, then a pass that loads each candidate's hash, then the distances. Memory latency dominates (every
 * step is a random access into a large array), and separating the phases lets the processor keep many of those
 * loads in flight instead of stalling on each bucket's length. The touch passes are the tightest loops (a load and
 * an XOR), so the most misses overlap there: the directory's touch pass made the directory phase ~1.5× faster.
 */
export class MihSearcher {
  private readonly seen: Int32Array;
  private candidates: Int32Array = new Int32Array(4096);
  private bucketBegin: Int32Array = new Int32Array(1024);
  private bucketEnd: Int32Array = new Int32Array(1024);
  /** Probes whose bucket holds more than two ids, finished after the branch-free copy. */
  private longBuckets: Int32Array = new Int32Array(1024);
  private readonly distance: (data: Int32Array, i: number, q: Int32Array, j: number) => number;
  /** XOR of the words the touch passes load, kept so that the compiler cannot drop those loads. */
  private touched = 0;

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

  /**
   * Appends to the candidate list the ids in every bucket within `s` bits of the query's substring; returns the new
   * length. Most buckets hold 0–2 ids (1–2 on average in the planned layouts), so after a touch pass over the first
   * id line of every bucket, each bucket's first two slots are copied without a branch on its length (the count
   * advances by at most 2, so a shorter bucket's extra copies are overwritten), and only the longer buckets, listed
   * on the way, are finished in a loop: a length-dependent branch per bucket, mispredicted about every other
   * time, cost more than the copies.
   */
  private collect(table: SubstringTable, query: Int32Array, s: number, count: number): number {
    const { blockShift, blockBase, bucketOffset, ids } = table;
    if (ids.length === 0) return count;
    const masks = neighbourMasks(table.width, s);
    const probes = masks.length;
    if (this.bucketBegin.length < probes) {
      this.bucketBegin = new Int32Array(probes);
      this.bucketEnd = new Int32Array(probes);
      this.longBuckets = new Int32Array(probes);
    }
    const begin = this.bucketBegin;
    const end = this.bucketEnd;
    const key = substringKey(query, 0, table.start, table.width);
    const touched = touchDirectory(bucketOffset, key, masks);
    let total = count;
    for (let p = 0; p < probes; p++) {
      const bucket = key ^ masks[p]!;
      const b = blockBase[bucket >> blockShift]! + bucketOffset[bucket]!;
      const e = blockBase[(bucket + 1) >> blockShift]! + bucketOffset[bucket + 1]!;
      begin[p] = b;
      end[p] = e;
      total += e - b;
    }
    if (total + 2 > this.candidates.length) {
      const grown = new Int32Array(Math.max(total + 2, this.candidates.length * 2));
      grown.set(this.candidates.subarray(0, count));
      this.candidates = grown;
    }
    const last = ids.length - 1;
    this.touched ^= touched ^ touchWords(ids, begin, probes, 1);
    const candidates = this.candidates;
    const longBuckets = this.longBuckets;
    let longCount = 0;
    for (let p = 0; p < probes; p++) {
      const b = begin[p]!;
      const beyondTwo = end[p]! - b - 2;
      candidates[count] = ids[Math.min(b, last)]!;
      candidates[count + 1] = ids[Math.min(b + 1, last)]!;
      count += beyondTwo + 2 - (beyondTwo & ~(beyondTwo >> 31)); // + min(length, 2)
      longBuckets[longCount] = p;
      longCount += -beyondTwo >>> 31; // + 1 when the bucket holds more than 2
    }
    for (let i = 0; i < longCount; i++) {
      const p = longBuckets[i]!;
      for (let j = begin[p]! + 2, e = end[p]!; j < e; j++) candidates[count++] = ids[j]!;
    }
    return count;
  }

  /**
   * Verifies every candidate by its full distance and reports each entry within the radius once. An entry lies near
   * the query in several substrings mostly when it matches, so repeats are dropped among the few matches rather than
   * among all candidates. Two passes: one that loads a word of each candidate's hash — a loop of a few instructions
   * per candidate, so the processor keeps many cache misses in flight — then the distances, from hashes now cached.
   */
  private verify(query: Int32Array, radius: number, count: number, out: MatchBuffer): void {
    const { data, words } = this.hashes;
    const candidates = this.candidates;
    this.touched ^= touchWords(data, candidates, count, words);
    const first = out.length;
    if (words === 8) verify256(data, query, candidates, count, radius, out);
    else {
      const distance = this.distance;
      for (let c = 0; c < count; c++) {
        const d = distance(data, candidates[c]! * words, query, 0);
        if (d <= radius) out.push(candidates[c]!, d);
      }
    }
    this.dropRepeats(out, first);
  }

  /** Keeps the first of each entry among the matches `out` holds from position `first` on. */
  private dropRepeats(out: MatchBuffer, first: number): void {
    const { seen } = this;
    const { indices, distances } = out;
    let kept = first;
    for (let i = first; i < out.length; i++) {
      const id = indices[i]!;
      const bit = 1 << (id & 31);
      const slot = id >>> 5;
      if (seen[slot]! & bit) continue;
      seen[slot]! |= bit;
      indices[kept] = id;
      distances[kept++] = distances[i]!;
    }
    for (let i = first; i < kept; i++) seen[indices[i]! >>> 5] = 0;
    out.length = kept;
  }

  /** Every entry within `radius` of the query, nearest first (ties by position). */
  radius(query: Int32Array, radius: number): Match[] {
    const out = new MatchBuffer();
    this.radiusInto(query, radius, out);
    return out.toMatches();
  }
}

/**
 * Loads the directory entry of every probe, `offsets[key ^ masks[p]]`, and returns their XOR (so that the loads
 * cannot be dropped). Unrolled with four independent accumulators: fewer instructions per load let the processor
 * keep more cache misses in flight (the three touch passes unrolled so made a whole query 0.84× the CPU time).
 */
function touchDirectory(offsets: Uint16Array, key: number, masks: Int32Array): number {
  const n = masks.length;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let p = 0;
  for (; p + 3 < n; p += 4) {
    a ^= offsets[key ^ masks[p]!]!;
    b ^= offsets[key ^ masks[p + 1]!]!;
    c ^= offsets[key ^ masks[p + 2]!]!;
    d ^= offsets[key ^ masks[p + 3]!]!;
  }
  for (; p < n; p++) a ^= offsets[key ^ masks[p]!]!;
  return a ^ b ^ c ^ d;
}

/**
 * Loads `words[at[i] * scale]` for i < count (clamped to the array, as a bucket may begin at its end) and returns
 * their XOR: the touch pass over id lines (scale 1) or candidate hashes (scale = words per hash), unrolled like
 * `touchDirectory`.
 */
function touchWords(words: Int32Array, at: Int32Array, count: number, scale: number): number {
  const last = words.length - 1;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 3 < count; i += 4) {
    a ^= words[Math.min(at[i]! * scale, last)]!;
    b ^= words[Math.min(at[i + 1]! * scale, last)]!;
    c ^= words[Math.min(at[i + 2]! * scale, last)]!;
    d ^= words[Math.min(at[i + 3]! * scale, last)]!;
  }
  for (; i < count; i++) a ^= words[Math.min(at[i]! * scale, last)]!;
  return a ^ b ^ c ^ d;
}

/**
 * Distances of the 256-bit hashes of `ids` to the query (held in locals); matches are reported by their ids. The
 * first 128 bits are counted first and the rest only where they are within the radius: their distance is a lower
 * bound of the full one, and a candidate that is not a match almost never passes it (≈64 ± 6 of 128 bits differ
 * for a random one). So the loop reads one 16-byte-aligned half of each hash, which the touch pass has cached (the
 * other half lies on the next cache line for every other hash when the array starts 16 bytes into a line, as
 * glibc's large allocations do).
 */
function verify256(
  data: Int32Array,
  q: Int32Array,
  ids: Int32Array,
  count: number,
  radius: number,
  out: MatchBuffer,
): void {
  const q0 = q[0]!,
    q1 = q[1]!,
    q2 = q[2]!,
    q3 = q[3]!;
  for (let c = 0; c < count; c++) {
    const b = ids[c]! * 8;
    const half = byteSum(
      pairByteCounts(data[b]! ^ q0, data[b + 1]! ^ q1) + pairByteCounts(data[b + 2]! ^ q2, data[b + 3]! ^ q3),
    );
    if (half > radius) continue;
    const d =
      half +
      byteSum(
        pairByteCounts(data[b + 4]! ^ q[4]!, data[b + 5]! ^ q[5]!) +
          pairByteCounts(data[b + 6]! ^ q[6]!, data[b + 7]! ^ q[7]!),
      );
    if (d <= radius) out.push(ids[c]!, d);
  }
}
