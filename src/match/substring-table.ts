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

/**
 * Buckets per directory block at most: 2^15. Wide blocks keep the block bases of every table in the first-level
 * cache (a few KB), so a probe makes one random memory access (its 16-bit offset) instead of two.
 */
const MAX_BLOCK_SHIFT = 15;

function allocateU16(length: number, shared: boolean): Uint16Array {
  return shared ? new Uint16Array(new SharedArrayBuffer(length * 2)) : new Uint16Array(length);
}

/**
 * The largest block size whose in-block offsets all fit in 16 bits (1 bucket per block always does). Offsets grow
 * within a block, so its last bucket's offset decides: one check per block.
 */
function chooseBlockShift(begin: Int32Array, width: number): number {
  const buckets = 2 ** width;
  for (let shift = Math.min(MAX_BLOCK_SHIFT, width); shift > 0; shift--) {
    let fits = true;
    for (let first = 0; first <= buckets && fits; first += 2 ** shift)
      fits = begin[Math.min(first + 2 ** shift - 1, buckets)]! - begin[first]! <= 0xffff;
    if (fits) return shift;
  }
  return 0;
}

/** Bits per radix-sort pass: 256 output streams stay within the caches and TLB while scattering. */
const RADIX_BITS = 8;

/**
 * Positions 0..count-1 sorted stably by their substring key, with the keys, by LSD radix sort: a few sequential
 * passes instead of one random write per entry, which matters when the arrays are far larger than the caches.
 */
function sortBySubstring(hashes: PackedHashes, layout: SubstringLayout): { keys: Int32Array; ids: Int32Array } {
  const { data, words, count } = hashes;
  let keys = new Int32Array(count);
  let ids = new Int32Array(count);
  for (let i = 0, base = 0; i < count; i++, base += words) {
    keys[i] = substringKey(data, base, layout.start, layout.width);
    ids[i] = i;
  }
  let nextKeys = new Int32Array(count);
  let nextIds = new Int32Array(count);
  const counts = new Int32Array(1 << RADIX_BITS);
  for (let shift = 0; shift < layout.width; shift += RADIX_BITS) {
    const mask = (1 << Math.min(RADIX_BITS, layout.width - shift)) - 1;
    counts.fill(0);
    for (let i = 0; i < count; i++) counts[(keys[i]! >>> shift) & mask]!++;
    for (let d = 0, total = 0; d <= mask; d++) {
      const n = counts[d]!;
      counts[d] = total;
      total += n;
    }
    for (let i = 0; i < count; i++) {
      const at = counts[(keys[i]! >>> shift) & mask]!++;
      nextKeys[at] = keys[i]!;
      nextIds[at] = ids[i]!;
    }
    [keys, nextKeys] = [nextKeys, keys];
    [ids, nextIds] = [nextIds, ids];
  }
  return { keys, ids };
}

/** Builds the table for one substring: O(count · width/8 + 2^width), sequential memory access only. */
export function buildSubstringTable(hashes: PackedHashes, layout: SubstringLayout, shared = false): SubstringTable {
  const { start, width } = layout;
  const { count } = hashes;
  const buckets = 2 ** width;
  const sorted = sortBySubstring(hashes, layout);
  const ids = allocateWords(count, shared);
  ids.set(sorted.ids);
  const begin = new Int32Array(buckets + 1);
  const keys = sorted.keys;
  for (let b = 0, j = 0; b <= buckets; b++) {
    while (j < count && keys[j]! < b) j++;
    begin[b] = j;
  }

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
