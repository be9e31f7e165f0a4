// Attempts at inference from a protocol's transcripts, as a registry. Each attempt takes the party's received bytes,
// derives one number per trial, calibrates a decision rule on trials the attacker simulated itself, and is scored on
// fresh trials against chance. Nothing is asserted about a protocol: every cell of the table is such an attempt.
import { wilson } from '../eval/binomial.js';
import { psiInput } from '../psi/hash-input.js';
import { createPrng, deriveSeed } from '../util/prng.js';
import type { Trial, TrialPool } from './protocol-trials.js';

export type Party = 'server' | 'client';

export interface Measurement {
  readonly subject: string;
  readonly attempt: string;
  readonly party: Party;
  /** What the party tries to learn. */
  readonly learns: string;
  /** How: the attempt in words. */
  readonly how: string;
  /** What `value` is: the attempt's success rate on the measured trials, or an AUC. */
  readonly unit: 'success rate' | 'AUC';
  /** The measured value with its 95% interval (Wilson for rates, Hanley–McNeil for AUCs). */
  readonly value: number;
  readonly interval: readonly [number, number];
  /** What guessing without the transcript scores. */
  readonly chance: number;
  /** Trials (or accounts) measured. */
  readonly n: number;
  /** Further measured figures (e.g. database entries tested per session). */
  readonly detail?: Readonly<Record<string, number>>;
}

export interface LeakageAttempt {
  readonly id: string;
  readonly party: Party;
  readonly learns: string;
  readonly how: string;
  measure(pool: TrialPool): Measurement;
}

/** Bytes per window: long enough that a shared window between unrelated random strings is negligible. */
export const WINDOW_BYTES = 16;

/** Every WINDOW_BYTES-long substring of the messages, each with its number of occurrences. */
export function windowCounts(messages: readonly Uint8Array[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of messages) {
    const text = Buffer.from(m.buffer, m.byteOffset, m.byteLength).toString('latin1');
    for (let i = 0; i + WINDOW_BYTES <= text.length; i++) {
      const w = text.slice(i, i + WINDOW_BYTES);
      out.set(w, (out.get(w) ?? 0) + 1);
    }
  }
  return out;
}

const viewOf = (t: Trial, session: 'a' | 'b', party: Party): readonly Uint8Array[] => t[session][party];

/** Windows of B's view that A's view also has. */
function sharedWindows(t: Trial, party: Party): number {
  const a = windowCounts(viewOf(t, 'a', party));
  let n = 0;
  for (const w of windowCounts(viewOf(t, 'b', party)).keys()) if (a.has(w)) n++;
  return n;
}

/** Windows that occur more than once in A's view. */
function repeatedWindows(t: Trial, party: Party): number {
  let n = 0;
  for (const c of windowCounts(viewOf(t, 'a', party)).values()) if (c > 1) n++;
  return n;
}

/**
 * The best single-threshold rule `label = feature > θ` (or `<`) on calibration trials; ties between the classes make
 * it predict one class for all, which scores chance on balanced trials.
 */
export function calibrateThreshold(
  features: readonly number[],
  labels: readonly boolean[],
): (feature: number) => boolean {
  const candidates = [...new Set(features)].sort((a, b) => a - b);
  let best = { accuracy: -1, theta: Infinity, above: true };
  for (const theta of [-Infinity, ...candidates])
    for (const above of [true, false]) {
      const accuracy = features.filter((f, i) => (above ? f > theta : f <= theta) === labels[i]).length;
      if (accuracy > best.accuracy) best = { accuracy, theta, above };
    }
  return (f) => (best.above ? f > best.theta : f <= best.theta);
}

function measurement(
  pool: TrialPool,
  a: Omit<LeakageAttempt, 'measure'>,
  successes: number,
  n: number,
  chance: number,
  detail?: Record<string, number>,
): Measurement {
  const p = wilson(successes, n);
  return {
    subject: pool.subject,
    attempt: a.id,
    party: a.party,
    learns: a.learns,
    how: a.how,
    unit: 'success rate',
    value: p.estimate,
    interval: [p.lower, p.upper],
    chance,
    n,
    ...(detail ? { detail } : {}),
  };
}

/** A distinguisher from one feature per trial, calibrated on calibration trials and scored on the others. */
function distinguisher(
  spec: Omit<LeakageAttempt, 'measure'>,
  feature: (t: Trial) => number,
  label: (t: Trial) => boolean,
): LeakageAttempt {
  return {
    ...spec,
    measure(pool) {
      const rule = calibrateThreshold(pool.calibration.map(feature), pool.calibration.map(label));
      const correct = pool.trials.filter((t) => rule(feature(t)) === label(t)).length;
      return measurement(pool, spec, correct, pool.trials.length, 0.5);
    },
  };
}

/** Number of dictionary candidates the server ranks in the dictionary attempt. */
export const DICTIONARY_SIZE = 100;

const dictionaryAttempt: LeakageAttempt = {
  id: 'dictionary',
  party: 'server',
  learns: 'which of 100 candidate photos a non-matching photo is',
  how: `server holds ${DICTIONARY_SIZE} candidate hashes (one is the client's non-matching photo) and searches its received bytes for each candidate's encoding; random pick when none is found`,
  measure(pool) {
    let correct = 0;
    pool.trials.forEach((t, i) => {
      const prng = createPrng(deriveSeed(1, 'dictionary', pool.subject, i));
      const windows = windowCounts(t.a.server);
      const decoys = Array.from({ length: DICTIONARY_SIZE - 1 }, () => ({
        ...t.tracked,
        bits: t.tracked.bits.map(() => prng.nextInt(256)),
      }));
      const truth = prng.nextInt(DICTIONARY_SIZE);
      const candidates = [...decoys.slice(0, truth), t.tracked, ...decoys.slice(truth)];
      const found = candidates.flatMap((c, k) => {
        const encodings = [psiInput(c), c.bits];
        const hit = encodings.some((e) => {
          const w = Buffer.from(e.subarray(e.length - WINDOW_BYTES)).toString('latin1');
          return windows.has(w);
        });
        return hit ? [k] : [];
      });
      const pick = found.length > 0 ? found[prng.nextInt(found.length)]! : prng.nextInt(DICTIONARY_SIZE);
      if (pick === truth) correct++;
    });
    return measurement(pool, this, correct, pool.trials.length, 1 / DICTIONARY_SIZE);
  },
};

const clientMembershipAttempt: LeakageAttempt = {
  id: 'membership',
  party: 'client',
  learns: 'whether each of its photos is in the database',
  how: 'the client reads the protocol’s output (when it has one) for its two photos drawn as members or not; without output it guesses "not a member"',
  measure(pool) {
    let correct = 0;
    let n = 0;
    for (const t of pool.trials)
      t.membership.forEach((truth, i) => {
        if (i < 2) return;
        n++;
        const guess = t.a.clientMembership?.[i] ?? false;
        if (guess === truth) correct++;
      });
    const accuracy = correct / n;
    return measurement(pool, this, correct, n, 0.5, {
      photosPerSession: 4,
      entriesTestedPerSession: Math.max(0, 4 * (2 * accuracy - 1)),
    });
  },
};

const attempts = new Map<string, LeakageAttempt>(
  [
    distinguisher(
      {
        id: 'linkability',
        party: 'server',
        learns: 'whether two sessions carry the same (non-matching) photo',
        how: `count ${WINDOW_BYTES}-byte substrings the two sessions' received messages share; threshold calibrated on the attacker's own simulated sessions`,
      },
      (t) => sharedWindows(t, 'server'),
      (t) => t.linked,
    ),
    distinguisher(
      {
        id: 'duplicate',
        party: 'server',
        learns: 'whether one session sends the same photo twice',
        how: `count ${WINDOW_BYTES}-byte substrings repeated within one session's received messages; threshold calibrated on simulated sessions`,
      },
      (t) => repeatedWindows(t, 'server'),
      (t) => t.duplicate,
    ),
    dictionaryAttempt,
    clientMembershipAttempt,
  ].map((a) => [a.id, a]),
);

export function registerLeakageAttempt(a: LeakageAttempt): LeakageAttempt {
  attempts.set(a.id, a);
  return a;
}

export const leakageAttempts = (): LeakageAttempt[] => [...attempts.values()];
