// How query-based attacks score a batch of candidates: by the hash's distance alone (black box), or, for learned
// hashes, by the margins of the values that become bits (their soft output: a gradient-estimation white box).
import { bitAt } from '../hash/bits.js';
import { hamming } from '../hash/hamming.js';
import type { NeuralHasher } from '../hash/neural/neural-hasher.js';
import { hashValues, valuesToHash } from '../hash/neural/neural-hasher.js';
import type { Hash } from '../hash/types.js';
import { loadProjection } from '../hash/neural/projection.js';
import { goalHash, progress, type AttackGoal } from './goal.js';
import type { HashOracle } from './oracle.js';
import type { RgbImage } from './pixels.js';

export interface Evaluation {
  readonly distance: number;
  /** Higher is better for the attacker. */
  readonly score: number;
}

export type Evaluate = (candidates: readonly RgbImage[]) => Promise<Evaluation[]>;

/** Black box: one hash query per candidate; the score is the distance's progress toward the goal. */
export function hashEvaluator(oracle: HashOracle, goal: AttackGoal): Evaluate {
  const ref = goalHash(goal);
  return async (candidates) =>
    (await oracle.hashes(candidates)).map((h) => {
      const distance = hamming(h, ref);
      return { distance, score: progress(goal, distance) };
    });
}

/** Margin beyond the threshold at which a bit's value stops adding to the soft score (in units of the values). */
const SOFT_CAP = 0.25;

/** A learned hash's values and which side of the threshold the attacker wants each one on. */
export interface ModelValues {
  readonly nbits: number;
  readonly threshold: number;
  /** +1: the attacker wants value i above the threshold; −1: below (the target's bit, or the original's opposite). */
  readonly want: Float64Array;
  /** The values of each candidate (count × nbits), one charged query per candidate, one batched model run. */
  readonly values: (candidates: readonly RgbImage[]) => Promise<ArrayLike<number>>;
  /** The hash of candidate c from its values. */
  readonly hashOf: (values: ArrayLike<number>, c: number) => Hash;
}

export function modelValues(oracle: HashOracle, hasher: NeuralHasher, goal: AttackGoal): ModelValues {
  const { card } = hasher;
  const projection = card.projection ? loadProjection(card.projection) : undefined;
  const ref = goalHash(goal);
  const n = card.bits.nbits;
  const want = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const bit = bitAt(ref, card.bits.order === 'msb-first' ? i : n - 1 - i);
    const sign = bit === 1 ? 1 : -1;
    want[i] = goal.kind === 'evade' ? -sign : sign;
  }
  return {
    nbits: n,
    threshold: card.bits.threshold,
    want,
    values: async (candidates) => {
      oracle.charge(candidates.length);
      return hashValues(await hasher.embedBatch(candidates), candidates.length, projection);
    },
    hashOf: (values, c) => valuesToHash(hasher.id, values, c * n, card.bits),
  };
}

/**
 * For a learned hash: the model's values before thresholding (one query per candidate, batched through
 * onnxruntime). The score sums, over every bit, how far its value has gone toward the side the attacker wants
 * (the opposite of the original's bit for evasion, the target's bit for a collision), capped at SOFT_CAP.
 */
export function softEvaluator(oracle: HashOracle, hasher: NeuralHasher, goal: AttackGoal): Evaluate {
  const model = modelValues(oracle, hasher, goal);
  const ref = goalHash(goal);
  const { nbits: n, want, threshold } = model;
  return async (candidates) => {
    const values = await model.values(candidates);
    return candidates.map((_, c) => {
      const distance = hamming(model.hashOf(values, c), ref);
      let score = 0;
      for (let i = 0; i < n; i++) score += Math.min(SOFT_CAP, want[i]! * (values[c * n + i]! - threshold));
      return { distance, score };
    });
  };
}
