// Exact Hamming search by linear scan: radius and k-nearest queries, single and batched, unrolled for 64 and 256 bits.
import { byteSum, distanceKernel, pairByteCounts } from './distance.js';
import { MatchError } from './errors.js';
import { NearestHeap } from './nearest-heap.js';
import type { PackedHashes } from './packed.js';
import { MatchBuffer, type Match } from './results.js';

/** Database entries per block in batched scans: 8192 256-bit hashes (256 KiB) stay in L2 while every query passes. */
const BLOCK = 8192;

function checkQuery(hashes: PackedHashes, query: Int32Array, offset = 0): void {
  if (query.length - offset < hashes.words)
    throw new MatchError('argument', `query has ${query.length - offset} words, the database ${hashes.words}`);
}

/** A radius scan over packed words: entries [from, to) of `data` against the query words at `q[j..]`. */
type RangeKernel = (
  data: Int32Array,
  q: Int32Array,
  j: number,
  radius: number,
  from: number,
  to: number,
  out: MatchBuffer,
) => void;

const scanRange256: RangeKernel = (data, q, j, radius, from, to, out) => {
  const q0 = q[j]!,
    q1 = q[j + 1]!,
    q2 = q[j + 2]!,
    q3 = q[j + 3]!,
    q4 = q[j + 4]!,
    q5 = q[j + 5]!,
    q6 = q[j + 6]!,
    q7 = q[j + 7]!;
  for (let i = from, b = from * 8; i < to; i++, b += 8) {
    const d =
      byteSum(pairByteCounts(data[b]! ^ q0, data[b + 1]! ^ q1) + pairByteCounts(data[b + 2]! ^ q2, data[b + 3]! ^ q3)) +
      byteSum(
        pairByteCounts(data[b + 4]! ^ q4, data[b + 5]! ^ q5) + pairByteCounts(data[b + 6]! ^ q6, data[b + 7]! ^ q7),
      );
    if (d <= radius) out.push(i, d);
  }
};

const scanRange64: RangeKernel = (data, q, j, radius, from, to, out) => {
  const q0 = q[j]!,
    q1 = q[j + 1]!;
  for (let i = from, b = from * 2; i < to; i++, b += 2) {
    const d = byteSum(pairByteCounts(data[b]! ^ q0, data[b + 1]! ^ q1));
    if (d <= radius) out.push(i, d);
  }
};

/** The radius scan for any other number of words per hash. */
function scanRangeAny(words: number): RangeKernel {
  const distance = distanceKernel(words);
  return (data, q, j, radius, from, to, out) => {
    for (let i = from, b = from * words; i < to; i++, b += words) {
      const d = distance(data, b, q, j);
      if (d <= radius) out.push(i, d);
    }
  };
}

/**
 * Appends to `out` every entry in positions [from, to) within `radius` of the query (packed words at
 * `query[offset..]`), in increasing position.
 */
export function scanRadiusRange(
  hashes: PackedHashes,
  query: Int32Array,
  radius: number,
  out: MatchBuffer,
  from = 0,
  to = hashes.count,
  offset = 0,
): void {
  checkQuery(hashes, query, offset);
  if (hashes.words === 8) scanRange256(hashes.data, query, offset, radius, from, to, out);
  else if (hashes.words === 2) scanRange64(hashes.data, query, offset, radius, from, to, out);
  else scanRangeAny(hashes.words)(hashes.data, query, offset, radius, from, to, out);
}

/** Every entry within `radius` of the query, nearest first (ties by position). */
export function scanRadius(hashes: PackedHashes, query: Int32Array, radius: number): Match[] {
  const out = new MatchBuffer();
  scanRadiusRange(hashes, query, radius, out);
  return out.toMatches();
}

/**
 * Radius search for many queries (`queries` holds them packed back to back): the database is streamed once
 * in cache-sized blocks, each block compared with every query. Result i belongs to query i.
 */
export function scanRadiusBatch(hashes: PackedHashes, queries: Int32Array, radius: number): Match[][] {
  const nq = queries.length / hashes.words;
  if (!Number.isInteger(nq))
    throw new MatchError('argument', `the query array's length is not a multiple of ${hashes.words} words`);
  const outs = Array.from({ length: nq }, () => new MatchBuffer());
  for (let from = 0; from < hashes.count; from += BLOCK) {
    const to = Math.min(hashes.count, from + BLOCK);
    for (let q = 0; q < nq; q++) scanRadiusRange(hashes, queries, radius, outs[q]!, from, to, q * hashes.words);
  }
  return outs.map((o) => o.toMatches());
}

function offerRange(hashes: PackedHashes, q: Int32Array, j: number, heap: NearestHeap, from: number, to: number): void {
  const { data, words } = hashes;
  const distance = distanceKernel(words);
  for (let i = from, b = from * words; i < to; i++, b += words) {
    const d = distance(data, b, q, j);
    if (d < heap.bound) heap.offer(i, d);
  }
}

/** The k entries nearest the query, nearest first; ties go to the lower position. */
export function scanNearest(hashes: PackedHashes, query: Int32Array, k: number): Match[] {
  checkQuery(hashes, query);
  const heap = new NearestHeap(k);
  offerRange(hashes, query, 0, heap, 0, hashes.count);
  return heap.toMatches();
}

/** k-nearest search for many queries packed back to back, streaming the database in blocks. */
export function scanNearestBatch(hashes: PackedHashes, queries: Int32Array, k: number): Match[][] {
  const nq = queries.length / hashes.words;
  if (!Number.isInteger(nq))
    throw new MatchError('argument', `the query array's length is not a multiple of ${hashes.words} words`);
  const heaps = Array.from({ length: nq }, () => new NearestHeap(k));
  for (let from = 0; from < hashes.count; from += BLOCK) {
    const to = Math.min(hashes.count, from + BLOCK);
    for (let q = 0; q < nq; q++) offerRange(hashes, queries, q * hashes.words, heaps[q]!, from, to);
  }
  return heaps.map((h) => h.toMatches());
}
