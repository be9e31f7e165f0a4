// Gradient estimation (NES with antithetic samples) over a smooth control grid: the direction of the perturbation
// follows the estimated gradient of the attacker's score; every candidate sits at the full distortion budget.
import { checkUpload, candidateAt, normalGrid, type AttackContext } from './context.js';
import type { Evaluate } from './evaluate.js';
import { progress, reaches, type AttackResult } from './goal.js';
import { axisBasis, rms, upsample, type AxisBasis } from './pixels.js';
import { PSNR_HEADROOM } from './search.js';

export interface NesOptions {
  /** Control points per side (default 8; 16 for hashes of 96 bits or more). */
  readonly grid?: number;
  /** Antithetic pairs per step. */
  readonly pairs?: number;
  /** Sampling radius and step, relative to the direction's RMS (which is kept at 1). */
  readonly sigma?: number;
  readonly step?: number;
  /** PSNR the candidates start at; lowered by 1 dB after `patience` steps without progress, down to the limit. */
  readonly startPsnr?: number;
  readonly patience?: number;
}

function normalise(v: Float64Array): Float64Array {
  const r = rms(v);
  return r === 0 ? v : v.map((x) => x / r);
}

export async function nesAttack(
  ctx: AttackContext,
  evaluate: Evaluate,
  options: NesOptions = {},
): Promise<AttackResult> {
  const { source, oracle, goal, prng, limits } = ctx;
  const grid = Math.min(options.grid ?? 8, source.width, source.height);
  const pairs = options.pairs ?? 8;
  const sigma = options.sigma ?? 0.5;
  const step = options.step ?? 0.5;
  const patience = options.patience ?? 4;
  const floor = limits.minPsnr + PSNR_HEADROOM;
  let targetPsnr = Math.max(options.startPsnr ?? floor, floor);
  const ys: AxisBasis = axisBasis(source.height, grid);
  const xs: AxisBasis = axisBasis(source.width, grid);
  const dim = grid * grid;
  let theta = normalise(normalGrid(prng, dim));
  let bestScore = -Infinity;
  let bestDistance = goal.kind === 'evade' ? 0 : Infinity;
  let stalled = 0;
  let margin = 0;
  while (oracle.remaining >= 2 * pairs + 1) {
    const us = Array.from({ length: pairs }, () => normalGrid(prng, dim));
    const directions = us.flatMap((u) => [
      normalise(theta.map((t, i) => t + sigma * u[i]!)),
      normalise(theta.map((t, i) => t - sigma * u[i]!)),
    ]);
    const candidates = directions.map((d) => candidateAt(ctx, upsample(d, ys, xs), targetPsnr));
    const evals = await evaluate(candidates);
    const grad = new Float64Array(dim);
    let improved = false;
    for (let p = 0; p < pairs; p++) {
      const diff = evals[2 * p]!.score - evals[2 * p + 1]!.score;
      for (let i = 0; i < dim; i++) grad[i] = grad[i]! + diff * us[p]![i]!;
    }
    let bestHere = 0;
    for (let c = 0; c < evals.length; c++) {
      const e = evals[c]!;
      if (e.score > evals[bestHere]!.score) bestHere = c;
      if (progress(goal, e.distance) > progress(goal, bestDistance)) bestDistance = e.distance;
    }
    const top = evals[bestHere]!;
    if (top.score > bestScore + 1e-9) {
      bestScore = top.score;
      improved = true;
    }
    if (reaches(goal, top.distance, margin) && oracle.remaining >= 1) {
      const verdict = await checkUpload(ctx, candidates[bestHere]!);
      if ('result' in verdict) return verdict.result;
      if (verdict.miss === 'distortion') targetPsnr += 0.5;
      else margin++;
    }
    stalled = improved ? 0 : stalled + 1;
    if (stalled >= patience && targetPsnr > floor) {
      targetPsnr = Math.max(floor, targetPsnr - 1);
      stalled = 0;
    }
    const g = rms(grad);
    if (g > 0) theta = normalise(theta.map((t, i) => t + (step * grad[i]!) / g));
  }
  return { status: 'failure', reason: 'budget', queries: oracle.queries, bestDistance };
}
