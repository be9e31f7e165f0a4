// Distance histograms over pairs of hashes from different groups: every such pair, or a seeded sample of them.
// Hashes are packed into 32-bit words as the matcher packs them; popcount uses a 16-bit lookup table, two lookups a word.
import type { Hash } from '../hash/types.js';
import { packHashes, type PackedHashes } from '../match/packed.js';
import { createPrng } from '../util/prng.js';
import { emptyHistogram } from './histogram.js';
import { wasmAllPairsHistogram } from './pair-kernel-wasm.js';

const POP16 = new Uint8Array(65536);
for (let i = 1; i < 65536; i++) POP16[i] = (i & 1) + POP16[i >> 1]!;

/** Hashes of one algorithm packed row by row (see `src/match/packed.ts`), with each row's group as a small integer. */
export interface GroupedHashes {
  readonly packed: PackedHashes;
  /** Group index per row; rows must be ordered so that each group is contiguous. */
  readonly group: Int32Array;
}

/** Packs hashes whose rows are already ordered by group (each group's rows contiguous). */
export function groupHashes(hashes: readonly Hash[], groupOf: readonly number[]): GroupedHashes {
  return { packed: packHashes(hashes), group: Int32Array.from(groupOf) };
}

function distance({ packed }: GroupedHashes, i: number, j: number): number {
  let d = 0;
  const a = i * packed.words;
  const b = j * packed.words;
  for (let w = 0; w < packed.words; w++) {
    const x = packed.data[a + w]! ^ packed.data[b + w]!;
    d += POP16[x & 0xffff]! + POP16[x >>> 16]!;
  }
  return d;
}

/** End (exclusive) of the group of each row, for skipping same-group pairs. */
function groupEnds(g: GroupedHashes): Int32Array {
  const n = g.packed.count;
  const end = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) end[i] = i + 1 < n && g.group[i + 1] === g.group[i] ? end[i + 1]! : i + 1;
  return end;
}

/** Number of pairs (i < j) in different groups. */
export function crossGroupPairCount(g: GroupedHashes): number {
  const end = groupEnds(g);
  let n = 0;
  for (let i = 0; i < g.packed.count; i++) n += g.packed.count - end[i]!;
  return n;
}

/**
 * Histogram of distances over every cross-group pair whose first row lies in [from, to). Splitting the rows
 * lets several workers share the work; their histograms add up to the whole.
 */
export function allPairsHistogram(g: GroupedHashes, from = 0, to = g.packed.count): number[] {
  const p = g.packed;
  const end = groupEnds(g);
  const fast = wasmAllPairsHistogram(g, end, from, to);
  if (fast) return fast;
  const hist = emptyHistogram(p.nbits);
  const { data, words } = p;
  if (words === 8) {
    for (let i = from; i < to; i++) {
      const a = i * 8;
      const a0 = data[a]!,
        a1 = data[a + 1]!,
        a2 = data[a + 2]!,
        a3 = data[a + 3]!,
        a4 = data[a + 4]!,
        a5 = data[a + 5]!,
        a6 = data[a + 6]!,
        a7 = data[a + 7]!;
      for (let j = end[i]!; j < p.count; j++) {
        const b = j * 8;
        let x = a0 ^ data[b]!;
        let d = POP16[x & 0xffff]! + POP16[x >>> 16]!;
        x = a1 ^ data[b + 1]!;
        d += POP16[x & 0xffff]! + POP16[x >>> 16]!;
        x = a2 ^ data[b + 2]!;
        d += POP16[x & 0xffff]! + POP16[x >>> 16]!;
        x = a3 ^ data[b + 3]!;
        d += POP16[x & 0xffff]! + POP16[x >>> 16]!;
        x = a4 ^ data[b + 4]!;
        d += POP16[x & 0xffff]! + POP16[x >>> 16]!;
        x = a5 ^ data[b + 5]!;
        d += POP16[x & 0xffff]! + POP16[x >>> 16]!;
        x = a6 ^ data[b + 6]!;
        d += POP16[x & 0xffff]! + POP16[x >>> 16]!;
        x = a7 ^ data[b + 7]!;
        d += POP16[x & 0xffff]! + POP16[x >>> 16]!;
        hist[d]!++;
      }
    }
    return hist;
  }
  if (words === 2) {
    for (let i = from; i < to; i++) {
      const a0 = data[2 * i]!,
        a1 = data[2 * i + 1]!;
      for (let j = end[i]!; j < p.count; j++) {
        const x = a0 ^ data[2 * j]!;
        const y = a1 ^ data[2 * j + 1]!;
        hist[POP16[x & 0xffff]! + POP16[x >>> 16]! + POP16[y & 0xffff]! + POP16[y >>> 16]!]!++;
      }
    }
    return hist;
  }
  for (let i = from; i < to; i++) for (let j = end[i]!; j < p.count; j++) hist[distance(g, i, j)]!++;
  return hist;
}

/** Row ranges [from, to) that split the cross-group pairs into `parts` nearly equal shares. */
export function balancedRanges(g: GroupedHashes, parts: number): [number, number][] {
  const n = g.packed.count;
  const end = groupEnds(g);
  const total = crossGroupPairCount(g);
  const ranges: [number, number][] = [];
  let start = 0;
  let acc = 0;
  for (let i = 0; i < n && ranges.length < parts - 1; i++) {
    acc += n - end[i]!;
    if (acc >= (total * (ranges.length + 1)) / parts) {
      ranges.push([start, i + 1]);
      start = i + 1;
    }
  }
  ranges.push([start, n]);
  return ranges;
}

/** Histogram of `pairs` cross-group pairs drawn uniformly with replacement by a seeded generator. */
export function sampledPairsHistogram(g: GroupedHashes, pairs: number, seed: number): number[] {
  const hist = emptyHistogram(g.packed.nbits);
  const rng = createPrng(seed);
  let drawn = 0;
  while (drawn < pairs) {
    const i = rng.nextInt(g.packed.count);
    const j = rng.nextInt(g.packed.count);
    if (g.group[i] === g.group[j]) continue;
    hist[distance(g, i, j)]!++;
    drawn++;
  }
  return hist;
}

/** Distance between two rows, for removing known duplicate pairs from a histogram. */
export function rowDistance(g: GroupedHashes, i: number, j: number): number {
  return distance(g, i, j);
}
