// White-box attack on hashes with a linear part (pHash, aHash, dHash, blockhash, PDQ): the least change of a smooth
// perturbation that puts chosen coefficients on the wanted side of their threshold with margin μ, re-solved on the
// clipped pixels a few times, then checked on the uploaded JPEG; μ grows until the real hash follows. The last
// failing and first passing perturbations are then bisected for the highest PSNR that still succeeds.
import { checkUpload, type AttackContext } from './context.js';
import { goalHash, type AttackResult } from './goal.js';
import { gridModel, leastChange } from './least-change.js';
import { coefficients, lumaPlane, thresholds, type LinearHashModel } from './linear-model.js';
import { applyDelta, axisBasis, upsample, type AxisBasis, type RgbImage } from './pixels.js';
import { psnr } from './quality.js';

/** Control points per side of the smooth perturbation (fewer on small images). */
const MAX_GRID = 96;
/** Re-solves per margin (each on the pixels the previous solution gave after rounding and clipping). */
const INNER = 5;
const GROWTH = 1.5;
const BISECTIONS = 3;

function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** The f cheapest bits to flip (closest to their threshold), half from each side for median rules. */
function cheapestFlips(
  model: LinearHashModel,
  c: Float64Array,
  thr: Float64Array,
  ref: Uint8Array,
  f: number,
): number[] {
  const order = Array.from(c, (_, k) => k).sort((a, b) => Math.abs(c[a]! - thr[a]!) - Math.abs(c[b]! - thr[b]!));
  if (model.rule === 'zero') return order.slice(0, f);
  const ones = order.filter((k) => ref[k] === 1);
  const zeros = order.filter((k) => ref[k] === 0);
  return [...ones.slice(0, Math.ceil(f / 2)), ...zeros.slice(0, Math.floor(f / 2))];
}

export async function linearSteer(ctx: AttackContext, model: LinearHashModel): Promise<AttackResult> {
  const { source, oracle, goal, limits } = ctx;
  const ys: AxisBasis = axisBasis(source.height, Math.min(source.height, MAX_GRID));
  const xs: AxisBasis = axisBasis(source.width, Math.min(source.width, MAX_GRID));
  const gm = gridModel(model, ys, xs);
  const ref = model.unpack(goalHash(goal));
  const c0 = coefficients(model, lumaPlane(source));
  const thr0 = thresholds(model, c0);
  const tau = goal.maxDistance;
  const bound = limits.maxLinf;
  const build = (theta: Float64Array): RgbImage => {
    const d = upsample(theta, ys, xs);
    const b = bound === undefined ? undefined : bound / Math.max(...ctx.gains);
    if (b !== undefined) for (let i = 0; i < d.length; i++) d[i] = Math.max(-b, Math.min(b, d[i]!));
    return applyDelta(source, d, ctx.gains);
  };
  // Wanted sign per bit (+1: above the threshold) and the bits that must get there.
  const sign = new Int8Array(ref.length);
  let flips = tau + 2 + Math.ceil(0.1 * (tau + 1));
  let chosen: number[] = [];
  const choose = (): void => {
    if (goal.kind === 'evade') {
      chosen = cheapestFlips(model, c0, thr0, ref, Math.min(flips, ref.length));
      for (const k of chosen) sign[k] = ref[k] === 1 ? -1 : 1;
    } else {
      chosen = Array.from(ref, (_, k) => k);
      for (const k of chosen) sign[k] = ref[k] === 1 ? 1 : -1;
    }
  };
  choose();
  // Collisions may leave some bits wrong: the most expensive ones, keeping about one bit in 32 of the hash (at least
  // two) in hand for the bits the JPEG re-encode flips.
  const reserve = Math.max(2, Math.round(ref.length / 32));
  const allowWrong = goal.kind === 'collide' ? Math.max(0, tau - reserve) : 0;
  let mu = 0.05 * median(c0.map((v, k) => Math.abs(v - thr0[k]!)));
  let theta = new Float64Array(gm.gy * gm.gx);
  let lastFail = theta;
  let bestDistance = goal.kind === 'evade' ? 0 : ref.length;
  while (oracle.remaining >= 1) {
    for (let it = 0; it < INNER; it++) {
      const c = coefficients(model, lumaPlane(build(theta)));
      const thr = thresholds(model, c);
      const need = chosen
        .map((k) => ({ k, a: sign[k]! * (c[k]! - thr[k]!) }))
        .filter((e) => e.a < mu)
        .sort((p, q) => p.a - q.a);
      const wrong = need.filter((e) => e.a < 0).length;
      const keep = need.slice(Math.min(allowWrong, wrong));
      if (keep.length === 0) break;
      const step = leastChange(
        gm,
        keep.map((e) => e.k),
        keep.map((e) => sign[e.k]! * (mu - e.a)),
      );
      theta = theta.map((v, i) => v + step[i]!);
    }
    const candidate = build(theta);
    if (psnr(source, candidate) < limits.minPsnr)
      return { status: 'failure', reason: 'distortion', queries: oracle.queries, bestDistance };
    const verdict = await checkUpload(ctx, candidate);
    if ('result' in verdict) return refine(ctx, build, lastFail, theta, verdict.result);
    if (goal.kind === 'evade' ? verdict.distance > bestDistance : verdict.distance < bestDistance)
      bestDistance = verdict.distance;
    lastFail = theta;
    mu *= GROWTH;
    if (goal.kind === 'evade') {
      flips += 2;
      choose();
    }
  }
  return { status: 'failure', reason: 'budget', queries: oracle.queries, bestDistance };
}

/** Bisects between a failing and a passing perturbation for the least distortion that still succeeds. */
async function refine(
  ctx: AttackContext,
  build: (theta: Float64Array) => RgbImage,
  fail: Float64Array,
  pass: Float64Array,
  found: AttackResult & { status: 'success' },
): Promise<AttackResult> {
  let best = found;
  let lo = 0;
  let hi = 1;
  for (let b = 0; b < BISECTIONS && ctx.oracle.remaining >= 1; b++) {
    const t = (lo + hi) / 2;
    const verdict = await checkUpload(ctx, build(fail.map((v, i) => v + t * (pass[i]! - v))));
    if ('result' in verdict) {
      hi = t;
      if (verdict.result.distortion.psnr >= best.distortion.psnr) best = verdict.result;
    } else lo = t;
  }
  return { ...best, queries: ctx.oracle.queries };
}
