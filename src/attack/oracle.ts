// The attacker's view of a hash: a counted, budgeted query that hashes candidate pixels (decoded once, reused), or
// for PDQ a candidate's luminance straight from the builder's fused pass.
import type { Image } from '../image/types.js';
import type { Hash, Hasher } from '../hash/types.js';
import { pdqHashFromDct } from '../hash/pdq/bits.js';
import { isDefaultPdq } from '../hash/pdq/pdq.js';
import type { CandidateBuilder, Pattern } from './work-image.js';

/** A hasher that can hash several images in one call (the neural hashers batch their model runs). */
interface BatchHasher extends Hasher {
  hashBatch(images: readonly Image[]): Promise<Hash[]>;
}

function canBatch(h: Hasher): h is BatchHasher {
  return typeof (h as Partial<BatchHasher>).hashBatch === 'function';
}

/**
 * Queries the real hasher on candidate images, counting every image hashed. Candidates are built in memory from
 * the decoded source, so a query costs the hash alone (no file decoding); batches go to `hashBatch` where the hasher
 * has one.
 */
export class HashOracle {
  #queries = 0;

  constructor(
    readonly hasher: Hasher,
    readonly budget: number,
  ) {}

  get queries(): number {
    return this.#queries;
  }

  get remaining(): number {
    return Math.max(0, this.budget - this.#queries);
  }

  /** Counts `n` queries made outside `hashes` (model evaluations of a learned hash); over budget is a RangeError. */
  charge(n: number): void {
    if (n > this.remaining) throw new RangeError(`query budget exceeded: ${n} asked, ${this.remaining} left`);
    this.#queries += n;
  }

  /** Hashes the candidates (at most `remaining` of them are accepted: a longer batch is a RangeError). */
  async hashes(images: readonly Image[]): Promise<Hash[]> {
    this.charge(images.length);
    if (canBatch(this.hasher)) return this.hasher.hashBatch(images);
    const out: Hash[] = [];
    for (const image of images) out.push(await this.hasher.hash(image));
    return out;
  }

  /**
   * The hashes of `builder`'s candidates for `patterns` at mean squared error `mse`, one query each: PDQ's from the
   * builder's pass fused with its luminance (the same bits as hashing the built candidate, no pixels written), any
   * other hasher's (or PDQ's where the fused pass does not run) of the candidates built into `buffers`.
   */
  async patternHashes(
    builder: CandidateBuilder,
    patterns: readonly Pattern[],
    mse: number,
    buffers: readonly Uint8Array[],
  ): Promise<Hash[]> {
    if (!isDefaultPdq(this.hasher)) return this.hashes(patterns.map((p, i) => builder.build(p, mse, buffers[i]).image));
    this.charge(patterns.length);
    const out: Hash[] = [];
    for (const [i, p] of patterns.entries()) {
      const stages = builder.pdqStages(p, mse);
      out.push(
        stages
          ? pdqHashFromDct(stages.dct, stages.quality)
          : await this.hasher.hash(builder.build(p, mse, buffers[i]).image),
      );
    }
    return out;
  }

  async hash(image: Image): Promise<Hash> {
    return (await this.hashes([image]))[0]!;
  }
}
