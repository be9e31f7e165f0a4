// The seeded workload that every protocol-leakage attempt reads: pairs of sessions (A, B) of one client against a
// fixed database, with known labels — whether B carries A's non-matching photo (linkability), whether A sends one
// photo twice (duplicates), which of A's photos are database members, whether A's last photo is a near miss of an
// entry (just beyond matching distance) — and what each party received.
import type { Hash } from '../hash/types.js';
import { createPrng, deriveSeed, randomBytesFrom, type Prng } from '../util/prng.js';
import type { LeakageSubject, SessionView } from './protocol-subjects.js';

export interface TrialWorkload {
  readonly seed: number;
  /** Session pairs whose labels the attacker sees, to calibrate its decision rule (its own simulations). */
  readonly calibration: number;
  /** Session pairs the attempts are measured on. */
  readonly trials: number;
  /** Database entries. */
  readonly database: number;
}

export const DEFAULT_TRIAL_WORKLOAD: TrialWorkload = { seed: 1, calibration: 16, trials: 40, database: 16 };

/** A near miss differs from a database entry in this many bits: one more than PDQ's operating radius (31). */
export const NEAR_MISS_BITS = 32;

/** Positions in A's photos of the two drawn as database members or not (the membership attempt reads these). */
export const MEMBER_SLOTS: readonly number[] = [2, 3];

export interface Trial {
  /** A's first photo: never in the database. */
  readonly tracked: Hash;
  /** B's first photo is `tracked` (true) or a fresh photo (false). */
  readonly linked: boolean;
  /** A's second photo repeats its first. */
  readonly duplicate: boolean;
  /** Per photo of A, whether it is in the database. */
  readonly membership: readonly boolean[];
  /** A's last photo is NEAR_MISS_BITS from a database entry (true) or a fresh photo (false); it matches nothing. */
  readonly nearMiss: boolean;
  readonly a: SessionView;
  readonly b: SessionView;
}

export interface TrialPool {
  readonly subject: string;
  readonly database: readonly Hash[];
  readonly calibration: readonly Trial[];
  readonly trials: readonly Trial[];
}

const randomPdq = (prng: Prng): Hash => ({ algo: 'pdq', nbits: 256, bits: randomBytesFrom(prng, 32) });

/** `entry` with `flips` distinct bits flipped, at seeded positions. */
function nearMissOf(entry: Hash, flips: number, prng: Prng): Hash {
  const bits = entry.bits.slice();
  const positions = Array.from({ length: entry.nbits }, (_, i) => i);
  for (let i = 0; i < flips; i++) {
    const j = i + prng.nextInt(positions.length - i);
    [positions[i], positions[j]] = [positions[j]!, positions[i]!];
    const bit = positions[i]!;
    bits[bit >> 3] = (bits[bit >> 3] ?? 0) ^ (0x80 >> (bit & 7));
  }
  return { ...entry, bits };
}

/**
 * A's photos: [tracked, tracked or fresh, member or fresh, member or fresh, near miss or fresh]; B's: [tracked or
 * fresh, fresh, member, fresh]. Labels alternate so that both classes are equally frequent in calibration and in
 * trials.
 */
async function makeTrial(subject: LeakageSubject, database: readonly Hash[], prng: Prng, i: number): Promise<Trial> {
  const tracked = randomPdq(prng);
  const linked = i % 2 === 0;
  const duplicate = Math.floor(i / 2) % 2 === 0;
  const nearMiss = Math.floor(i / 4) % 2 === 0;
  // A draws members from the first half of the database and B from the second, so that a shared matching photo
  // never stands in for the tracked one.
  const half = Math.floor(database.length / 2);
  const memberA = (): Hash => database[prng.nextInt(half)]!;
  const memberB = (): Hash => database[half + prng.nextInt(database.length - half)]!;
  const third = prng.nextInt(2) === 0;
  const fourth = prng.nextInt(2) === 0;
  const photosA = [
    tracked,
    duplicate ? tracked : randomPdq(prng),
    third ? memberA() : randomPdq(prng),
    fourth ? memberA() : randomPdq(prng),
    nearMiss ? nearMissOf(memberA(), NEAR_MISS_BITS, prng) : randomPdq(prng),
  ];
  const photosB = [linked ? tracked : randomPdq(prng), randomPdq(prng), memberB(), randomPdq(prng)];
  return {
    tracked,
    linked,
    duplicate,
    membership: [false, false, third, fourth, false],
    nearMiss,
    a: await subject.session(database, photosA),
    b: await subject.session(database, photosB),
  };
}

/** Runs the workload's sessions for one subject (2 · (calibration + trials) sessions). */
export async function runTrials(
  subject: LeakageSubject,
  workload: TrialWorkload,
  onProgress?: (done: number, total: number) => void,
): Promise<TrialPool> {
  const prng = createPrng(deriveSeed(workload.seed, 'protocol-trials', subject.id));
  const database = Array.from({ length: workload.database }, () => randomPdq(prng));
  const total = workload.calibration + workload.trials;
  const all: Trial[] = [];
  for (let i = 0; i < total; i++) {
    all.push(await makeTrial(subject, database, prng, i));
    onProgress?.(i + 1, total);
  }
  return {
    subject: subject.id,
    database,
    calibration: all.slice(0, workload.calibration),
    trials: all.slice(workload.calibration),
  };
}
