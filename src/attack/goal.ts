// What an attack is after and under which limits: evasion (distance to the original above τ) or a forced
// collision (distance to a target at most τ), a minimum PSNR, an optional L∞ bound and a query budget.
import type { Hash } from '../hash/types.js';
import type { Upload } from './upload.js';
import type { Distortion } from './quality.js';
import { hamming } from '../hash/hamming.js';

export type AttackGoal =
  | { readonly kind: 'evade'; readonly reference: Hash; readonly maxDistance: number }
  | { readonly kind: 'collide'; readonly target: Hash; readonly maxDistance: number };

export interface AttackLimits {
  /** Minimum PSNR of the uploaded JPEG against the source, dB (0: none). */
  readonly minPsnr: number;
  /** Largest allowed change of any RGB sample (undefined: none). */
  readonly maxLinf?: number;
  /** Hash queries allowed per image, the final checks included. */
  readonly maxQueries: number;
}

export type AttackResult =
  | {
      readonly status: 'success';
      readonly upload: Upload;
      readonly distance: number;
      readonly queries: number;
      readonly distortion: Distortion;
    }
  | {
      readonly status: 'failure';
      readonly reason: 'budget' | 'distortion';
      readonly queries: number;
      /** The best distance seen (to the original for evasion, to the target for collisions). */
      readonly bestDistance: number;
    };

/** The hash distances are measured against: the original's (evasion) or the target's (collision). */
export function goalHash(goal: AttackGoal): Hash {
  return goal.kind === 'evade' ? goal.reference : goal.target;
}

/** Whether a distance reaches the goal with `margin` bits to spare. */
export function reaches(goal: AttackGoal, distance: number, margin = 0): boolean {
  return goal.kind === 'evade' ? distance > goal.maxDistance + margin : distance <= goal.maxDistance - margin;
}

/** Higher is better: the distance for evasion, its negative for collisions. */
export function progress(goal: AttackGoal, distance: number): number {
  return goal.kind === 'evade' ? distance : -distance;
}

export function distanceTo(goal: AttackGoal, hash: Hash): number {
  return hamming(hash, goalHash(goal));
}

/** Whether an upload's distortion respects the limits. */
export function withinLimits(limits: AttackLimits, d: Distortion): boolean {
  return d.psnr >= limits.minPsnr && (limits.maxLinf === undefined || d.linf <= limits.maxLinf);
}
