// One attack on one image with one hasher: pick the method for the mode and the hasher, run it on a fresh oracle.
import type { NeuralHasher } from '../hash/neural/neural-hasher.js';
import type { Hasher } from '../hash/types.js';
import { createPrng } from '../util/prng.js';
import type { AttackContext } from './context.js';
import { hashEvaluator, softEvaluator } from './evaluate.js';
import type { AttackGoal, AttackLimits, AttackResult } from './goal.js';
import { gradientSteer } from './gradient-steer.js';
import { jacobianSteer } from './jacobian-steer.js';
import { linearModelFor } from './linear-model.js';
import { evadeSearch } from './evade-search.js';
import { nesAttack } from './nes.js';
import { HashOracle } from './oracle.js';
import { gainsFor, type RgbImage } from './pixels.js';
import { randomSearch, PSNR_HEADROOM } from './search.js';
import { linearSteer } from './steer.js';
import { AttackError } from './errors.js';

export { AttackError };

/** `blackbox`: hash queries only. `whitebox`: the hash's linear part where it has one, a learned hash's values otherwise. */
export type AttackMode = 'blackbox' | 'whitebox';
/** Black-box methods: random search with hill climbing, or NES gradient estimation. */
export type BlackBoxMethod = 'search' | 'nes';

export interface AttackRequest {
  readonly source: RgbImage;
  readonly hasher: Hasher;
  readonly goal: AttackGoal;
  readonly limits: AttackLimits;
  readonly mode: AttackMode;
  readonly method?: BlackBoxMethod;
  readonly seed: number;
  /** White-box collisions: further hashes (with linear parts) the upload must collide under as well. */
  readonly joint?: readonly { readonly hasher: Hasher; readonly goal: AttackGoal }[];
}

/** Query-based collisions start at this PSNR and give it up 1 dB at a time (collisions have no PSNR floor by default). */
const COLLIDE_START_PSNR = 40;
/** ... down to this floor when the request sets none. */
const COLLIDE_FLOOR_PSNR = 20;

function isNeural(h: Hasher): h is NeuralHasher {
  return typeof (h as Partial<NeuralHasher>).embedBatch === 'function';
}

/** Whether `mode` can attack this hasher (white box needs a linear part or a learned hash's values). */
export function supportsMode(hasher: Hasher, mode: AttackMode, width = 64, height = 64): boolean {
  return mode === 'blackbox' || isNeural(hasher) || linearModelFor(hasher.id, width, height) !== undefined;
}

export async function attackImage(request: AttackRequest): Promise<AttackResult> {
  const { source, hasher, goal, mode } = request;
  const collide = goal.kind === 'collide';
  const limits =
    collide && request.limits.minPsnr <= 0
      ? { ...request.limits, minPsnr: COLLIDE_FLOOR_PSNR - PSNR_HEADROOM }
      : request.limits;
  const oracle = new HashOracle(hasher, limits.maxQueries);
  const ctx: AttackContext = {
    source,
    oracle,
    goal,
    limits,
    prng: createPrng(request.seed),
    gains: gainsFor(hasher.id),
  };
  const bits = hasher.nbits;
  const nesOptions = {
    grid: bits >= 96 ? 16 : 8,
    startPsnr: collide ? COLLIDE_START_PSNR : undefined,
  };
  if (mode === 'blackbox') {
    if (request.method === 'nes') return nesAttack(ctx, hashEvaluator(oracle, goal), nesOptions);
    return collide ? randomSearch(ctx) : evadeSearch(ctx);
  }
  const model = linearModelFor(hasher.id, source.width, source.height);
  if (model) {
    const joint = (request.joint ?? []).flatMap(({ hasher: h, goal: g }) => {
      const m = linearModelFor(h.id, source.width, source.height);
      return m ? [{ model: m, hasher: h, goal: g }] : [];
    });
    return linearSteer(ctx, model, joint);
  }
  if (isNeural(hasher)) {
    const exact = await gradientSteer(ctx, hasher);
    if (exact) return exact;
    return collide
      ? jacobianSteer(ctx, hasher)
      : nesAttack(ctx, softEvaluator(oracle, hasher, goal), { ...nesOptions, pairs: 12 });
  }
  throw new AttackError(`${hasher.id} has no white-box form in scanlab; use --mode blackbox`);
}
