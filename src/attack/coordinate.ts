// Black-box coordinate search in a low-frequency cosine basis (SimBA with DCT directions, Guo et al. 2019): try each
// smooth cosine pattern with both signs and keep it when the hash distance moves toward the goal, growing the step
// after every pass, until the PSNR budget is spent. Only hash queries; the hash's length bounds the frequencies.
import { hamming } from '../hash/hamming.js';
import { applyScaled, checkUpload, gainRms, type AttackContext } from './context.js';
import { goalHash, progress, reaches, type AttackResult } from './goal.js';
import { rmsForPsnr } from './pixels.js';

/** Step growth per pass over all directions. */
const GROWTH = 1.5;

function cosines(size: number, frequencies: number): Float64Array[] {
  return Array.from({ length: frequencies }, (_, u) =>
    Float64Array.from({ length: size }, (_, x) => Math.cos((Math.PI * u * (x + 0.5)) / size)),
  );
}

export async function coordinateSearch(
  ctx: AttackContext,
  targetPsnr: number,
  startDistance: number,
  /** Scales the first step (restarts begin finer, to find cheaper flips). */
  stepScale = 1,
): Promise<AttackResult> {
  const { source, oracle, goal, prng } = ctx;
  const { width, height } = source;
  const f = Math.max(4, Math.round(Math.sqrt(oracle.hasher.nbits)));
  const cx = cosines(width, Math.min(f, width));
  const cy = cosines(height, Math.min(f, height));
  const directions: [number, number][] = [];
  for (let v = 0; v < cy.length; v++) for (let u = 0; u < cx.length; u++) if (u + v > 0) directions.push([u, v]);
  const budget = (rmsForPsnr(targetPsnr) / gainRms(ctx.gains)) ** 2 * width * height;
  const need = goal.kind === 'evade' ? goal.maxDistance + 1 : Math.max(1, startDistance - goal.maxDistance);
  // Each direction's energy per unit amplitude (Σ pattern²): W·H/4, or W·H/2 along an axis.
  const energyOf = (u: number, v: number): number => (width * height) / (u === 0 || v === 0 ? 2 : 4);
  let step = stepScale * Math.sqrt(budget / (2 * need) / ((width * height) / 4));
  const delta = new Float32Array(width * height);
  let spent = 0;
  let distance = startDistance;
  let margin = 0;
  const addPattern = (target: Float32Array, u: number, v: number, a: number): void => {
    const px = cx[u]!;
    for (let y = 0; y < height; y++) {
      const k = a * cy[v]![y]!;
      const o = y * width;
      for (let x = 0; x < width; x++) target[o + x] = target[o + x]! + k * px[x]!;
    }
  };
  let lastPass = false;
  while (oracle.remaining >= 2 && spent < budget) {
    // Once a step no longer fits, one last pass spends what is left of the budget on each direction.
    const room = Math.sqrt((budget - spent) / ((width * height) / 4));
    if (step >= room) {
      if (lastPass) break;
      step = room;
      lastPass = true;
    }
    const order = directions.map((d) => d);
    for (let i = order.length - 1; i > 0; i--) {
      const j = prng.nextInt(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const [u, v] of order) {
      const cost = step * step * energyOf(u, v);
      if (spent + cost > budget) continue;
      if (oracle.remaining < 2) break;
      for (const sign of [1, -1]) {
        if (oracle.remaining < 2) break;
        const trial = delta.slice();
        addPattern(trial, u, v, sign * step);
        const candidate = applyScaled(source, trial, 1, ctx.limits.maxLinf, ctx.gains).image;
        const d = hamming(await oracle.hash(candidate), goalHash(goal));
        if (progress(goal, d) <= progress(goal, distance)) continue;
        delta.set(trial);
        spent += cost;
        distance = d;
        if (reaches(goal, d, margin)) {
          const verdict = await checkUpload(ctx, candidate);
          if ('result' in verdict) return verdict.result;
          if (verdict.miss === 'distortion')
            return { status: 'failure', reason: 'distortion', queries: oracle.queries, bestDistance: distance };
          margin++;
        }
        break;
      }
    }
    step *= GROWTH;
  }
  return {
    status: 'failure',
    reason: oracle.remaining < 2 ? 'budget' : 'distortion',
    queries: oracle.queries,
    bestDistance: distance,
  };
}
