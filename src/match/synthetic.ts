// Synthetic hash databases for experiments and benchmarks: uniformly random, or clustered around random centres.
import { MatchError } from './errors.js';
import { allocateWords, wordsFor, type PackedHashes } from './packed.js';

/** The random draws these generators need (scanlab's seeded `Prng` provides them). */
export interface RandomSource {
  nextUint32(): number;
  /** A uniform integer in [0, n). */
  nextInt(n: number): number;
}

/** Writes a uniformly random `nbits`-bit hash at word `offset` (padding bits stay 0). */
function randomInto(out: Int32Array, offset: number, nbits: number, rng: RandomSource): void {
  const words = wordsFor(nbits);
  const pad = words * 32 - nbits;
  for (let w = 0; w < words; w++) out[offset + w] = rng.nextUint32();
  if (pad > 0) out[offset]! &= (1 << (32 - pad)) - 1;
}

/** Positions 0..nbits-1, reused as the scratch of partial Fisher–Yates draws (any order of it is a valid start). */
const bitPositions = (nbits: number): Int32Array => Int32Array.from({ length: nbits }, (_, i) => i);

/** Flips `flips` distinct uniformly chosen bits at word `offset`, drawing them by a partial shuffle of `positions`. */
function flipDistinct(
  out: Int32Array,
  offset: number,
  pad: number,
  flips: number,
  positions: Int32Array,
  rng: RandomSource,
): void {
  const nbits = positions.length;
  for (let i = 0; i < flips; i++) {
    const j = i + rng.nextInt(nbits - i);
    const bit = positions[j]!;
    positions[j] = positions[i]!;
    positions[i] = bit;
    const p = pad + bit;
    out[offset + (p >> 5)]! ^= 1 << (31 - (p & 31));
  }
}

/** Flips `flips` distinct, uniformly chosen bits of the hash at word `offset`. */
function flipRandomBits(out: Int32Array, offset: number, nbits: number, flips: number, rng: RandomSource): void {
  if (!Number.isInteger(flips) || flips < 0 || flips > nbits)
    throw new MatchError('argument', `cannot flip ${flips} of ${nbits} bits`);
  flipDistinct(out, offset, wordsFor(nbits) * 32 - nbits, flips, bitPositions(nbits), rng);
}

/** `count` independent, uniformly random hashes. */
export function randomHashes(count: number, nbits: number, rng: RandomSource, shared = false): PackedHashes {
  const words = wordsFor(nbits);
  const data = allocateWords(count * words, shared);
  for (let i = 0; i < count; i++) randomInto(data, i * words, nbits, rng);
  return { nbits, words, count, data };
}

export interface ClusterOptions {
  /** Number of random centres. */
  centres: number;
  /** Each hash is a uniformly chosen centre with a uniform number of bits in [0, maxFlips] flipped. */
  maxFlips: number;
}

/**
 * `count` hashes drawn around a few random centres, as real lists hold many near-duplicate variants of each
 * image: hash i copies a random centre and flips a random number of its bits.
 */
export function clusteredHashes(
  count: number,
  nbits: number,
  options: ClusterOptions,
  rng: RandomSource,
  shared = false,
): PackedHashes {
  if (!(options.centres >= 1) || !(options.maxFlips >= 0 && options.maxFlips <= nbits)) {
    throw new MatchError('argument', `clusters need at least one centre and 0..${nbits} flips`);
  }
  const centres = randomHashes(options.centres, nbits, rng);
  const words = wordsFor(nbits);
  const pad = words * 32 - nbits;
  const positions = bitPositions(nbits);
  const data = allocateWords(count * words, shared);
  for (let i = 0; i < count; i++) {
    const c = rng.nextInt(options.centres);
    for (let w = 0; w < words; w++) data[i * words + w] = centres.data[c * words + w]!;
    flipDistinct(data, i * words, pad, rng.nextInt(options.maxFlips + 1), positions, rng);
  }
  return { nbits, words, count, data };
}

/** Hash `index` of a database with `flips` random bits flipped: a planted near-duplicate query. */
export function nearDuplicate(hashes: PackedHashes, index: number, flips: number, rng: RandomSource): Int32Array {
  const q = hashes.data.slice(index * hashes.words, (index + 1) * hashes.words);
  flipRandomBits(q, 0, hashes.nbits, flips, rng);
  return q;
}

/** One uniformly random hash's packed words: an unrelated query. */
export function randomQuery(nbits: number, rng: RandomSource): Int32Array {
  const q = new Int32Array(wordsFor(nbits));
  randomInto(q, 0, nbits, rng);
  return q;
}
