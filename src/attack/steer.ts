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
/** Collisions: growth of the margin of a bit the uploaded JPEG got wrong, and of every other bit. */
const MISSED_GROWTH = 2.5;
const COLLIDE_GROWTH = 1.15;
const BISECTIONS = 5;
/** Further collision attempts, each leaving more bits wrong while a success leaves room under τ. */
const MAX_ROUNDS = 4;

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

/**
 * The `count` wrong bits a collision leaves wrong, most expensive first. Under median rules exactly half of the bits
 * (of each band) are ones, so a bit left at 0 that should be 1 forces another bit to 1: they are left in pairs, one
 * from each side, within a band.
 */
function leftWrong(
  model: LinearHashModel,
  bits: readonly number[],
  ref: Uint8Array,
  cost: (k: number) => number,
  count: number,
): number[] {
  const wrong = bits.filter((k) => cost(k) > 0).sort((p, q) => cost(q) - cost(p));
  if (model.rule === 'zero' || model.rule === 'mean') return wrong.slice(0, count);
  const bandSize = ref.length / model.bands;
  const sides = Array.from({ length: model.bands }, (_, b) =>
    [1, 0].map((bit) => wrong.filter((k) => Math.floor(k / bandSize) === b && ref[k] === bit)),
  );
  const out: number[] = [];
  while (out.length + 2 <= count) {
    let best: number[] | undefined;
    let bestCost = -Infinity;
    for (const [ones, zeros] of sides) {
      const a = ones![0];
      const b = zeros![0];
      if (a === undefined || b === undefined) continue;
      if (cost(a) + cost(b) > bestCost) {
        bestCost = cost(a) + cost(b);
        best = [a, b];
      }
    }
    if (!best) break;
    const band = sides.find(([ones]) => ones![0] === best[0])!;
    band[0]!.shift();
    band[1]!.shift();
    out.push(...best);
  }
  return out;
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
  // Collisions may leave bits wrong: the most expensive ones (margin to go over the norm of the coefficient's row).
  // The first attempt keeps about one bit in 32 of the hash (at least two) in hand for the bits the JPEG flips; while
  // a success leaves room under τ, the next attempt starts afresh leaving that many more bits wrong.
  const cost = (k: number): number =>
    -(sign[k]! * (c0[k]! - thr0[k]!)) /
    Math.sqrt(gm.gyy[Math.floor(k / gm.n) * (gm.m + 1)]! * gm.gxx[(k % gm.n) * (gm.n + 1)]!);
  const free = new Uint8Array(ref.length);
  const freeUp = (count: number): void => {
    free.fill(0);
    if (goal.kind === 'collide') for (const k of leftWrong(model, chosen, ref, cost, count)) free[k] = 1;
  };
  // A margin per bit: all grow after a miss; for collisions, the bits the JPEG turned wrong grow faster.
  const margins = new Float64Array(ref.length).fill(0.05 * median(c0.map((v, k) => Math.abs(v - thr0[k]!))));
  let bestDistance = goal.kind === 'evade' ? 0 : ref.length;
  const attempt = async (floor: number): Promise<AttackResult> => {
    let theta = new Float64Array(gm.gy * gm.gx);
    let lastFail = theta;
    while (oracle.remaining >= 1) {
      for (let it = 0; it < INNER; it++) {
        const c = coefficients(model, lumaPlane(build(theta)));
        const thr = thresholds(model, c);
        const keep = chosen
          .filter((k) => free[k] === 0)
          .map((k) => ({ k, a: sign[k]! * (c[k]! - thr[k]!) }))
          .filter((e) => e.a < margins[e.k]!);
        if (keep.length === 0) break;
        const step = leastChange(
          gm,
          keep.map((e) => e.k),
          keep.map((e) => sign[e.k]! * (margins[e.k]! - e.a)),
        );
        theta = theta.map((v, i) => v + step[i]!);
      }
      const candidate = build(theta);
      if (psnr(source, candidate) < floor)
        return { status: 'failure', reason: 'distortion', queries: oracle.queries, bestDistance };
      const verdict = await checkUpload(ctx, candidate);
      if ('result' in verdict) return refine(ctx, build, lastFail, theta, verdict.result);
      if (goal.kind === 'evade' ? verdict.distance > bestDistance : verdict.distance < bestDistance)
        bestDistance = verdict.distance;
      lastFail = theta;
      if (goal.kind === 'evade') {
        for (let k = 0; k < margins.length; k++) margins[k] = margins[k]! * GROWTH;
        flips += 2;
        choose();
      } else {
        const got = model.unpack(verdict.hash);
        for (let k = 0; k < margins.length; k++)
          margins[k] = margins[k]! * (free[k] === 0 && got[k] !== ref[k] ? MISSED_GROWTH : COLLIDE_GROWTH);
      }
    }
    return { status: 'failure', reason: 'budget', queries: oracle.queries, bestDistance };
  };
  let left = Math.max(0, tau - Math.max(2, Math.round(ref.length / 32)));
  freeUp(left);
  let best = await attempt(limits.minPsnr);
  // Pairs under median rules, single bits otherwise.
  const unit = model.rule === 'median' || model.rule === 'band-median' ? 2 : 1;
  for (let round = 0; round < MAX_ROUNDS && best.status === 'success'; round++) {
    const room = tau - best.distance;
    if (goal.kind === 'evade' || room < unit || oracle.remaining < 2) break;
    left += room - (room % unit);
    freeUp(left);
    const next = await attempt(best.distortion.psnr);
    if (next.status === 'success' && next.distortion.psnr > best.distortion.psnr) best = next;
  }
  return { ...best, queries: oracle.queries };
}

/** Bisects between a failing and a passing perturbation for the least distortion that still succeeds. */
export async function refine(
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
