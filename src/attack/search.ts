// Black-box random search with hill climbing: smooth low-frequency grey patterns (a few control points per side,
// bilinearly upsampled) at the full distortion budget, keeping the best one and perturbing it; then, for the images
// that resist, a coordinate search in a cosine basis (coordinate.ts). Only hash queries.
import { hamming } from '../hash/hamming.js';
import { checkUpload, candidateAt, normalGrid, type AttackContext } from './context.js';
import { goalHash, progress, reaches, type AttackResult } from './goal.js';
import { axisBasis, upsample } from './pixels.js';
import { coordinateSearch } from './coordinate.js';

/** Control points per side the search draws from: low frequencies only. */
const GRIDS = [2, 3, 4, 5, 6, 8, 10, 12, 16] as const;
/** Probability of perturbing the best pattern rather than drawing a fresh one. */
const EXPLOIT = 0.75;
/** Relative size of a hill-climbing step. */
const STEP = 0.6;
/** Queries of the random phase before the coordinate search takes over. */
const RANDOM_QUERIES = 40;
/** PSNR kept in hand for the JPEG re-encode, dB; raised when an upload misses the PSNR limit. */
export const PSNR_HEADROOM = 0.4;

export interface SearchOptions {
  /** PSNR the candidates are built at (the limit plus headroom; collisions may choose a higher one). */
  readonly targetPsnr?: number;
  /** Random search and hill climbing only, without the coordinate-search phase. */
  readonly randomOnly?: boolean;
}

export async function randomSearch(ctx: AttackContext, options: SearchOptions = {}): Promise<AttackResult> {
  const { source, oracle, goal, prng } = ctx;
  // A hash of b bits cannot see much finer detail than √b control points per side (8 for 64 bits, 16 for 256).
  const finest = Math.max(4, Math.round(Math.sqrt(oracle.hasher.nbits)));
  const grids = GRIDS.filter((g) => g <= Math.min(source.width, source.height, finest));
  let targetPsnr = options.targetPsnr ?? ctx.limits.minPsnr + PSNR_HEADROOM;
  let best: { theta: Float64Array; grid: number; score: number } | undefined;
  let bestDistance = hamming(await oracle.hash(source), goalHash(goal));
  if (reaches(goal, bestDistance)) {
    const v = await checkUpload(ctx, source);
    if ('result' in v) return v.result;
  }
  let margin = 0;
  let psnrMisses = 0;
  // Random patterns win within a few queries on most images; the rest go to the coordinate search.
  const randomPhase = Math.min(RANDOM_QUERIES, Math.floor(oracle.budget / 4));
  while (oracle.remaining >= 2 && (oracle.queries < randomPhase || options.randomOnly)) {
    let grid: number;
    let theta: Float64Array;
    if (best && prng.nextOpenUnit() < EXPLOIT) {
      grid = best.grid;
      const noise = normalGrid(prng, grid * grid);
      theta = best.theta.map((v, i) => v + STEP * noise[i]!);
    } else {
      grid = grids[prng.nextInt(grids.length)]!;
      theta = normalGrid(prng, grid * grid);
    }
    const delta = upsample(theta, axisBasis(source.height, grid), axisBasis(source.width, grid));
    const candidate = candidateAt(ctx, delta, targetPsnr);
    const distance = hamming(await oracle.hash(candidate), goalHash(goal));
    const score = progress(goal, distance);
    if (!best || score >= best.score) best = { theta, grid, score };
    if (progress(goal, distance) > progress(goal, bestDistance)) bestDistance = distance;
    if (!reaches(goal, distance, margin) || oracle.remaining < 1) continue;
    const verdict = await checkUpload(ctx, candidate);
    if ('result' in verdict) return verdict.result;
    if (verdict.miss === 'distortion') targetPsnr += 0.5 * ++psnrMisses;
    else margin++;
  }
  if (options.randomOnly || oracle.remaining < 2)
    return { status: 'failure', reason: 'budget', queries: oracle.queries, bestDistance };
  // Each coordinate search ends when it has spent the PSNR budget; restart it (new order, finer first step) while
  // queries remain.
  const start = hamming(await oracle.hash(ctx.source), goalHash(goal));
  let last: AttackResult = { status: 'failure', reason: 'budget', queries: oracle.queries, bestDistance };
  for (let restart = 0; oracle.remaining >= 2; restart++) {
    last = await coordinateSearch(ctx, targetPsnr, start, Math.pow(0.6, restart));
    if (last.status === 'success') return last;
  }
  return last;
}
