// White-box attack on hashes with a linear part (pHash, aHash, dHash, blockhash, PDQ): the least change of a smooth
// perturbation that puts chosen coefficients on the wanted side of their threshold with margin μ, re-solved on the
// clipped pixels a few times, then checked on the uploaded JPEG; μ grows until the real hash follows. The last
// failing and first passing perturbations are then bisected for the highest PSNR that still succeeds.
import { checkUpload, type AttackContext } from './context.js';
import { hamming } from '../hash/hamming.js';
import type { Hasher } from '../hash/types.js';
import { goalHash, type AttackGoal, type AttackResult } from './goal.js';
import { gridModel, leastChangeJoint, type GridModel } from './least-change.js';
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

/** A further hash a joint collision must also satisfy: its linear model, scanlab's exact hasher and its goal. */
export interface JointPart {
  readonly model: LinearHashModel;
  readonly hasher: Hasher;
  readonly goal: AttackGoal;
}

/** One hash as the solver sees it: wanted signs, the bits left wrong and a margin per bit. */
interface Part {
  readonly model: LinearHashModel;
  readonly gm: GridModel;
  readonly ref: Uint8Array;
  readonly tau: number;
  readonly c0: Float64Array;
  readonly thr0: Float64Array;
  readonly sign: Int8Array;
  chosen: number[];
  readonly free: Uint8Array;
  readonly margins: Float64Array;
}

function partOf(model: LinearHashModel, gm: GridModel, goal: AttackGoal, y: Float64Array): Part {
  const ref = model.unpack(goalHash(goal));
  const c0 = coefficients(model, y);
  const thr0 = thresholds(model, c0);
  const sign = new Int8Array(ref.length);
  const chosen = Array.from(ref, (_, k) => k);
  if (goal.kind === 'collide') for (const k of chosen) sign[k] = ref[k] === 1 ? 1 : -1;
  // A margin per bit: all grow after a miss; for collisions, the bits the JPEG turned wrong grow faster.
  const margins = new Float64Array(ref.length).fill(0.05 * median(c0.map((v, k) => Math.abs(v - thr0[k]!))));
  return { model, gm, ref, tau: goal.maxDistance, c0, thr0, sign, chosen, free: new Uint8Array(ref.length), margins };
}

/**
 * Collisions may leave bits wrong: the most expensive ones (margin to go over the norm of the coefficient's row).
 * The first attempt keeps about one bit in 32 of the hash (at least two) in hand for the bits the JPEG flips.
 */
function freeUp(p: Part, count: number): void {
  const { gm, sign, c0, thr0 } = p;
  const cost = (k: number): number =>
    -(sign[k]! * (c0[k]! - thr0[k]!)) /
    Math.sqrt(gm.gyy[Math.floor(k / gm.n) * (gm.m + 1)]! * gm.gxx[(k % gm.n) * (gm.n + 1)]!);
  p.free.fill(0);
  for (const k of leftWrong(p.model, p.chosen, p.ref, cost, count)) p.free[k] = 1;
}

const firstLeft = (p: Part): number => Math.max(0, p.tau - Math.max(2, Math.round(p.ref.length / 32)));

/** After a collision's upload missed: the margins of the bits it got wrong grow fastest. */
function growMargins(p: Part, got: Uint8Array): void {
  for (let k = 0; k < p.margins.length; k++)
    p.margins[k] = p.margins[k]! * (p.free[k] === 0 && got[k] !== p.ref[k] ? MISSED_GROWTH : COLLIDE_GROWTH);
}

/**
 * The least change for `model` (and, for a joint collision, for every part of `joint` as well, on the same control
 * grid), checked on the uploaded JPEG by scanlab's exact hashers.
 */
export async function linearSteer(
  ctx: AttackContext,
  model: LinearHashModel,
  joint: readonly JointPart[] = [],
): Promise<AttackResult> {
  const { source, oracle, goal, limits } = ctx;
  const ys: AxisBasis = axisBasis(source.height, Math.min(source.height, MAX_GRID));
  const xs: AxisBasis = axisBasis(source.width, Math.min(source.width, MAX_GRID));
  const y0 = lumaPlane(source);
  const main = partOf(model, gridModel(model, ys, xs), goal, y0);
  const also = goal.kind === 'collide' ? joint : [];
  const parts = [main, ...also.map((j) => partOf(j.model, gridModel(j.model, ys, xs), j.goal, y0))];
  const { ref, c0, thr0, sign } = main;
  const tau = goal.maxDistance;
  const bound = limits.maxLinf;
  const build = (theta: Float64Array): RgbImage => {
    const d = upsample(theta, ys, xs);
    const b = bound === undefined ? undefined : bound / Math.max(...ctx.gains);
    if (b !== undefined) for (let i = 0; i < d.length; i++) d[i] = Math.max(-b, Math.min(b, d[i]!));
    return applyDelta(source, d, ctx.gains);
  };
  // Evasion: flip the cheapest bits, more of them after each miss.
  let flips = tau + 2 + Math.ceil(0.1 * (tau + 1));
  const choose = (): void => {
    main.chosen = cheapestFlips(model, c0, thr0, ref, Math.min(flips, ref.length));
    for (const k of main.chosen) sign[k] = ref[k] === 1 ? -1 : 1;
  };
  if (goal.kind === 'evade') choose();
  // The joint parts' hashes of an upload (one query each): undefined when every part collides.
  const jointMisses = async (decoded: RgbImage): Promise<Uint8Array[] | undefined> => {
    if (oracle.remaining < also.length) return [];
    const got: Uint8Array[] = [];
    let missed = false;
    for (const [i, j] of also.entries()) {
      oracle.charge(1);
      const h = await j.hasher.hash(decoded);
      got.push(parts[i + 1]!.model.unpack(h));
      if (hamming(h, goalHash(j.goal)) > j.goal.maxDistance) missed = true;
    }
    return missed ? got : undefined;
  };
  let bestDistance = goal.kind === 'evade' ? 0 : ref.length;
  const attempt = async (floor: number): Promise<AttackResult> => {
    let theta = new Float64Array(main.gm.gy * main.gm.gx);
    let lastFail = theta;
    while (oracle.remaining >= parts.length) {
      for (let it = 0; it < INNER; it++) {
        const y = lumaPlane(build(theta));
        const requests = parts.map((p) => {
          const c = coefficients(p.model, y);
          const thr = thresholds(p.model, c);
          const keep = p.chosen
            .filter((k) => p.free[k] === 0)
            .map((k) => ({ k, a: p.sign[k]! * (c[k]! - thr[k]!) }))
            .filter((e) => e.a < p.margins[e.k]!);
          return {
            g: p.gm,
            keep: keep.map((e) => e.k),
            change: keep.map((e) => p.sign[e.k]! * (p.margins[e.k]! - e.a)),
          };
        });
        if (requests.every((r) => r.keep.length === 0)) break;
        const step = leastChangeJoint(requests);
        theta = theta.map((v, i) => v + step[i]!);
      }
      const candidate = build(theta);
      if (psnr(source, candidate) < floor)
        return { status: 'failure', reason: 'distortion', queries: oracle.queries, bestDistance };
      const verdict = await checkUpload(ctx, candidate);
      const missedJoint = 'result' in verdict ? await jointMisses(verdict.result.upload.decoded) : undefined;
      if ('result' in verdict && !missedJoint)
        return refine(ctx, build, lastFail, theta, verdict.result, async (r) => !(await jointMisses(r.upload.decoded)));
      const distance = 'result' in verdict ? verdict.result.distance : verdict.distance;
      if (goal.kind === 'evade' ? distance > bestDistance : distance < bestDistance) bestDistance = distance;
      lastFail = theta;
      if (goal.kind === 'evade') {
        for (let k = 0; k < main.margins.length; k++) main.margins[k] = main.margins[k]! * GROWTH;
        flips += 2;
        choose();
      } else {
        growMargins(main, model.unpack('result' in verdict ? verdict.result.upload.hash : verdict.hash));
        missedJoint?.forEach((got, i) => growMargins(parts[i + 1]!, got));
      }
    }
    return { status: 'failure', reason: 'budget', queries: oracle.queries, bestDistance };
  };
  const left = parts.map(firstLeft);
  if (goal.kind === 'collide') parts.forEach((p, i) => freeUp(p, left[i]!));
  let best = await attempt(limits.minPsnr);
  // While a collision leaves room under τ, start afresh leaving that many more bits wrong (pairs under median rules).
  const unit = model.rule === 'median' || model.rule === 'band-median' ? 2 : 1;
  for (let round = 0; round < MAX_ROUNDS && best.status === 'success'; round++) {
    const room = tau - best.distance;
    if (goal.kind === 'evade' || room < unit || oracle.remaining < 2) break;
    left[0] = left[0]! + room - (room % unit);
    freeUp(main, left[0]);
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
  /** A further condition on a passing upload (a joint collision's other hashes). */
  accept: (r: AttackResult & { status: 'success' }) => Promise<boolean> = async () => true,
): Promise<AttackResult> {
  let best = found;
  let lo = 0;
  let hi = 1;
  for (let b = 0; b < BISECTIONS && ctx.oracle.remaining >= 1; b++) {
    const t = (lo + hi) / 2;
    const verdict = await checkUpload(ctx, build(fail.map((v, i) => v + t * (pass[i]! - v))));
    if ('result' in verdict && (await accept(verdict.result))) {
      hi = t;
      if (verdict.result.distortion.psnr >= best.distortion.psnr) best = verdict.result;
    } else lo = t;
  }
  return { ...best, queries: ctx.oracle.queries };
}
