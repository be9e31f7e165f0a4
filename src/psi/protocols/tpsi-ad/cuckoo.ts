// The server's cuckoo table: every database entry sits at one of its two positions, derived from a public seed, in a
// table of (1 + ε)·n slots; when an insertion fails, the whole table is built again under a fresh seed.
import { hash } from 'node:crypto';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { PsiError } from '../../errors.js';

export const CUCKOO_SEED_BYTES = 16;
const DOMAIN = utf8ToBytes('scanlab-tpsi-ad-cuckoo-v1');
const EMPTY = -1;

export interface CuckooTable {
  readonly seed: Uint8Array;
  readonly size: number;
  /** The database entry index held by each slot, or −1 for an empty slot. */
  readonly slots: Int32Array;
  /** Builds that failed before this one succeeded (each under its own seed). */
  readonly rehashes: number;
}

export interface CuckooOptions {
  /** Where seeds come from (the system CSPRNG by default); tests pass a seeded source to make failures repeatable. */
  readonly nextSeed?: () => Uint8Array;
  /** Builds to try before giving up. */
  readonly maxBuilds?: number;
}

/** ⌈(1 + ε)·n⌉ slots, at least 2 so that every entry has two distinct positions. */
export function cuckooTableSize(entries: number, epsilon: number): number {
  if (!(epsilon >= 0) || !Number.isFinite(epsilon))
    throw new PsiError(`cuckoo ε must be a non-negative number, got ${epsilon}`);
  const slots = (1 + epsilon) * entries;
  // Rounding error must not add a slot: (1 + 1.2)·50 is 110.00000000000001 in floating point.
  return Math.max(2, Math.ceil(slots - slots * 4 * Number.EPSILON));
}

const uint48 = (b: Uint8Array, at: number): number =>
  b[at]! * 2 ** 40 +
  b[at + 1]! * 2 ** 32 +
  ((b[at + 2]! << 24) >>> 0) +
  (b[at + 3]! << 16) +
  (b[at + 4]! << 8) +
  b[at + 5]!;

/**
 * The two positions of `input`: h1 from the first 48 bits of SHA-256(domain || seed || input) and h2 from the next 48,
 * offset from h1 by 1 … size − 1 so that the two always differ.
 */
export function cuckooPositions(seed: Uint8Array, size: number, input: Uint8Array): [number, number] {
  const message = new Uint8Array(DOMAIN.length + seed.length + input.length);
  message.set(DOMAIN);
  message.set(seed, DOMAIN.length);
  message.set(input, DOMAIN.length + seed.length);
  // SHA-256 by Node's one-shot hash: the same function as noble's `sha256`, about 3× cheaper for these short inputs.
  const d = hash('sha256', message, 'buffer');
  const h1 = uint48(d, 0) % size;
  return [h1, (h1 + 1 + (uint48(d, 6) % (size - 1))) % size];
}

/** One build under `seed`: null when some insertion exceeds the kick limit. */
function tryBuild(inputs: readonly Uint8Array[], seed: Uint8Array, size: number): Int32Array | null {
  const first = new Int32Array(inputs.length);
  const second = new Int32Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) [first[i], second[i]] = cuckooPositions(seed, size, inputs[i]!);
  const slots = new Int32Array(size).fill(EMPTY);
  const maxKicks = 64 + 16 * Math.ceil(Math.log2(size));
  for (let i = 0; i < inputs.length; i++) {
    let item = i;
    let at = first[item]!;
    let placed = false;
    for (let kick = 0; kick <= maxKicks; kick++) {
      if (slots[first[item]!] === EMPTY) at = first[item]!;
      else if (slots[second[item]!] === EMPTY) at = second[item]!;
      const evicted = slots[at]!;
      slots[at] = item;
      if (evicted === EMPTY) {
        placed = true;
        break;
      }
      item = evicted;
      at = first[item] === at ? second[item]! : first[item]!;
    }
    if (!placed) return null;
  }
  return slots;
}

/** Places every (distinct) input; rebuilds under a new seed whenever an insertion fails. */
export function buildCuckooTable(
  inputs: readonly Uint8Array[],
  epsilon: number,
  options: CuckooOptions = {},
): CuckooTable {
  const size = cuckooTableSize(inputs.length, epsilon);
  const nextSeed = options.nextSeed ?? (() => randomBytes(CUCKOO_SEED_BYTES));
  const maxBuilds = options.maxBuilds ?? 20;
  for (let build = 0; build < maxBuilds; build++) {
    const seed = nextSeed();
    if (seed.length !== CUCKOO_SEED_BYTES)
      throw new PsiError(`cuckoo seeds are ${CUCKOO_SEED_BYTES} bytes, got ${seed.length}`);
    const slots = tryBuild(inputs, seed, size);
    if (slots) return { seed, size, slots, rehashes: build };
  }
  throw new PsiError(
    `no cuckoo table of ${size} slots for ${inputs.length} entries after ${maxBuilds} seeds: two-choice cuckoo hashing needs a load below 1/2, i.e. ε above 1`,
  );
}
