// One multi-index hashing table: database positions grouped by the value of one substring of their hash (CSR layout).
import { allocateWords, type PackedHashes } from './packed.js';
import { substringKey } from './substring.js';

/** Which bits a table indexes: packed positions [start, start+width). */
export interface SubstringLayout {
  readonly start: number;
  readonly width: number;
}

/**
 * Positions sorted by substring key (stable), with a two-level directory: bucket b's positions are
 * `ids[begin(b) .. begin(b+1))`, where begin(b) = blockBase[b >> blockShift] + bucketOffset[b]. Offsets inside a
 * block fit in 16 bits, which halves the directory against plain 32-bit offsets.
 */
export interface SubstringTable extends SubstringLayout {
  readonly blockShift: number;
  readonly blockBase: Int32Array;
  readonly bucketOffset: Uint16Array;
  readonly ids: Int32Array;
}

/** Buckets per directory block at most: 2^8. */
const MAX_BLOCK_SHIFT = 8;

function allocateU16(length: number, shared: boolean): Uint16Array {
  return shared ? new Uint16Array(new SharedArrayBuffer(length * 2)) : new Uint16Array(length);
}

/** The largest block size whose in-block offsets all fit in 16 bits (1 bucket per block always does). */
function chooseBlockShift(begin: Int32Array, width: number): number {
  const buckets = 2 ** width;
  for (let shift = Math.min(MAX_BLOCK_SHIFT, width); shift > 0; shift--) {
    let fits = true;
    for (let b = 0; b <= buckets && fits; b++) fits = begin[b]! - begin[(b >> shift) << shift]! <= 0xffff;
    if (fits) return shift;
  }
  return 0;
}

/** Builds the table for one substring by counting sort: O(count + 2^width). */
export function buildSubstringTable(hashes: PackedHashes, layout: SubstringLayout, shared = false): SubstringTable {
  const { start, width } = layout;
  const { data, words, count } = hashes;
  const buckets = 2 ** width;
  const keys = new Int32Array(count);
  const begin = new Int32Array(buckets + 1);
  for (let i = 0, base = 0; i < count; i++, base += words) {
    const key = substringKey(data, base, start, width);
    keys[i] = key;
    begin[key + 1]++;
  }
  for (let b = 0; b < buckets; b++) begin[b + 1] += begin[b]!;
  const ids = allocateWords(count, shared);
  const cursor = begin.slice(0, buckets);
  for (let i = 0; i < count; i++) ids[cursor[keys[i]!]!++] = i;

  const blockShift = chooseBlockShift(begin, width);
  const blockBase = allocateWords((buckets >> blockShift) + 1, shared);
  for (let k = 0; k < blockBase.length; k++) blockBase[k] = begin[k << blockShift]!;
  const bucketOffset = allocateU16(buckets + 1, shared);
  for (let b = 0; b <= buckets; b++) bucketOffset[b] = begin[b]! - blockBase[b >> blockShift]!;
  return { start, width, blockShift, blockBase, bucketOffset, ids };
}

/** Bytes of memory a table holds. */
export function substringTableBytes(t: SubstringTable): number {
  return t.blockBase.byteLength + t.bucketOffset.byteLength + t.ids.byteLength;
}
