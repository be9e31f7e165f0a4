// The parameters of the near-duplicate protocols: radius r, chunks m, chunks k that must match (chunked-tpsi), and the
// budget of OPRF evaluations per photo beyond which a run is refused instead of left running for hours.
import { PDQ_DEFAULT_MATCH_THRESHOLD } from '../../../hash/pdq/match.js';
import { PsiError } from '../../errors.js';
import { ballSize, chunkRanges } from './hash-bits.js';

export interface FuzzyParams {
  /** r: a photo matches a database entry at Hamming distance ≤ r. */
  readonly maxDistance: number;
  /** m: chunks a hash is cut into (chunked, chunked-tpsi). */
  readonly chunks: number;
  /** k: chunks of a photo that must match exactly before the server opens its voucher (chunked-tpsi). */
  readonly minChunks: number;
  /** The most OPRF evaluations one photo may cost (ball-expansion's ball, chunked's chunk neighbourhoods). */
  readonly ballBudget: number;
}

/**
 * Defaults: PDQ's operating radius 31, m = 8 (32-bit chunks, each queried within ⌊31/8⌋ = 3 bits), k = 2, and a
 * budget of 65,536 evaluations per photo (about 4.3 MB of OPRF traffic and several seconds of client time).
 */
export const DEFAULT_FUZZY_PARAMS: FuzzyParams = {
  maxDistance: PDQ_DEFAULT_MATCH_THRESHOLD,
  chunks: 8,
  minChunks: 2,
  ballBudget: 65_536,
};

/** Radius each chunk is searched within: by the pigeonhole principle one of m chunks is within ⌊r/m⌋ bits. */
export const chunkRadius = (p: Pick<FuzzyParams, 'maxDistance' | 'chunks'>): number =>
  Math.floor(p.maxDistance / p.chunks);

/** OPRF evaluations per photo of the chunked protocol: Σ_j |ball(width_j, ⌊r/m⌋)|. */
export const chunkedQueriesPerPhoto = (nbits: number, p: Pick<FuzzyParams, 'maxDistance' | 'chunks'>): number =>
  chunkRanges(nbits, p.chunks).reduce((n, c) => n + ballSize(c.width, chunkRadius(p)), 0);

export function checkFuzzyParams(p: FuzzyParams): FuzzyParams {
  if (!Number.isInteger(p.maxDistance) || p.maxDistance < 0 || p.maxDistance > 0xffff)
    throw new PsiError(`max distance must be an integer in 0..65535, got ${p.maxDistance}`);
  if (!Number.isInteger(p.chunks) || p.chunks < 1 || p.chunks > 255)
    throw new PsiError(`chunks must be an integer in 1..255, got ${p.chunks}`);
  if (!Number.isInteger(p.minChunks) || p.minChunks < 1 || p.minChunks > p.chunks)
    throw new PsiError(`min chunks must be an integer in 1..${p.chunks} (the chunk count), got ${p.minChunks}`);
  if (!Number.isInteger(p.ballBudget) || p.ballBudget < 1)
    throw new PsiError(`ball budget must be a positive integer, got ${p.ballBudget}`);
  return p;
}

/** Refuses a per-photo OPRF cost above the budget, naming the cost and what would bring it down. */
export function requireWithinBudget(what: string, evaluations: number, budget: number): void {
  if (evaluations > budget)
    throw new PsiError(
      `${what} needs ${evaluations.toExponential(2)} OPRF evaluations per photo (about ` +
        `${((evaluations * 66) / 1e6).toExponential(2)} MB each photo), above the budget of ${budget}; ` +
        'use a smaller --max-distance or (chunked) more --chunks',
    );
}
