// The learned inverse: a ridge (linear) map from a hash's ±1 bits to a low-resolution RGB picture, trained on
// (hash, thumbnail) pairs of images disjoint from those it reconstructs. It learns what the analytic inverse assumes:
// how strongly each bit's basis pattern shows in real photos, and the colours that go with it. Where an analytic
// inverse exists, the map learns the correction to it (the residual after the analytic picture at a fixed scale), so
// the fine detail the analytic inverse places survives the low resolution of the learned part.
import { analyticFromSigns } from './invert-analytic.js';
import { addRow, emptyNormalEquations, predict, solveRidge, type NormalEquations } from './ridge.js';
import { resampleGrid, THUMB_SIDE, type Picture } from './thumbnail.js';

/** The side of the picture the learned map predicts (upsampled to THUMB_SIDE afterwards). */
export const LEARNED_SIDE = 16;

/** Ridge penalty per training row: λ = DEFAULT_RIDGE_LAMBDA · rows. */
export const DEFAULT_RIDGE_LAMBDA = 0.02;

/** The fixed scale (luma mean and standard deviation) at which the analytic picture serves as the prior. */
export const ANALYTIC_PRIOR_SCALE = { mean: 128, sd: 64 } as const;

export interface LearnedInverse {
  readonly algo: string;
  readonly nbits: number;
  readonly weights: Float64Array;
  readonly trainingRows: number;
}

/** Features of a hash: its ±1 bits and a bias of 1. */
function features(signs: ArrayLike<number>): Float64Array {
  const x = new Float64Array(signs.length + 1);
  x.set(Float64Array.from(signs));
  x[signs.length] = 1;
  return x;
}

/** The analytic picture at the fixed prior scale, or undefined for algorithms without one. */
function priorPicture(algo: string, signs: ArrayLike<number>): Picture | undefined {
  const p = analyticFromSigns(algo, Float64Array.from(signs));
  return p && { ...p, data: p.data.map((v) => ANALYTIC_PRIOR_SCALE.mean + ANALYTIC_PRIOR_SCALE.sd * v) };
}

/** Accumulates training rows: ±1 bits and the LEARNED_SIDE² RGB target (from `shrinkPicture`). */
export function learnedNormalEquations(nbits: number): NormalEquations {
  return emptyNormalEquations(nbits + 1, LEARNED_SIDE * LEARNED_SIDE * 3);
}

export function addTrainingPair(ne: NormalEquations, algo: string, signs: ArrayLike<number>, target: Picture): void {
  if (target.side !== LEARNED_SIDE || target.channels !== 3)
    throw new RangeError(`learned-inverse targets are ${LEARNED_SIDE}² RGB pictures`);
  const prior = priorPicture(algo, signs);
  const base = prior && shrinkPicture(prior).data;
  const residual = base ? target.data.map((v, i) => v - (base[i] ?? 0)) : target.data;
  addRow(ne, features(signs), residual);
}

export function fitLearnedInverse(
  algo: string,
  ne: NormalEquations,
  lambdaPerRow = DEFAULT_RIDGE_LAMBDA,
): LearnedInverse {
  return { algo, nbits: ne.p - 1, weights: solveRidge(ne, lambdaPerRow * ne.rows), trainingRows: ne.rows };
}

/** The reconstruction of a hash: a THUMB_SIDE² RGB picture in 0–255 units (not clamped). */
export function applyLearnedInverse(model: LearnedInverse, signs: ArrayLike<number>): Picture {
  const q = LEARNED_SIDE * LEARNED_SIDE * 3;
  const small = predict(model.weights, model.nbits + 1, q, features(signs));
  const prior = priorPicture(model.algo, signs);
  const data = new Float64Array(THUMB_SIDE * THUMB_SIDE * 3);
  if (prior) prior.data.forEach((v, i) => [0, 1, 2].forEach((c) => (data[i * 3 + c] = v)));
  for (let c = 0; c < 3; c++) {
    const plane = resampleGrid(
      Float64Array.from({ length: LEARNED_SIDE * LEARNED_SIDE }, (_, i) => small[i * 3 + c] ?? 0),
      LEARNED_SIDE,
      THUMB_SIDE,
    );
    plane.forEach((v, i) => (data[i * 3 + c] = (data[i * 3 + c] ?? 0) + v));
  }
  return { side: THUMB_SIDE, channels: 3, data };
}

/** Halves a THUMB_SIDE² picture down to LEARNED_SIDE² by 2 × 2 averaging (the learned map's target). */
export function shrinkPicture(p: Picture): Picture {
  const f = p.side / LEARNED_SIDE;
  const c = p.channels;
  const data = new Float64Array(LEARNED_SIDE * LEARNED_SIDE * 3);
  for (let y = 0; y < p.side; y++)
    for (let x = 0; x < p.side; x++) {
      const cell = Math.floor(y / f) * LEARNED_SIDE + Math.floor(x / f);
      for (let k = 0; k < 3; k++)
        data[cell * 3 + k] =
          (data[cell * 3 + k] ?? 0) + (p.data[(y * p.side + x) * c + (c === 1 ? 0 : k)] ?? 0) / (f * f);
    }
  return { side: LEARNED_SIDE, channels: 3, data };
}
