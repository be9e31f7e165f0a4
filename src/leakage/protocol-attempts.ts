// Attempts at inference from a protocol's transcripts, as a registry. Each attempt takes the party's received bytes,
// derives one number per trial, calibrates a decision rule on trials the attacker simulated itself, and is scored on
// fresh trials against chance. Nothing is asserted about a protocol: every cell of the table is such an attempt.
import { wilson } from '../eval/binomial.js';
import { psiInput } from '../psi/hash-input.js';
import { createPrng, deriveSeed } from '../util/prng.js';
import { hamming } from '../hash/hamming.js';
import type { Hash } from '../hash/types.js';
import { MEMBER_SLOTS, NEAR_MISS_BITS, type Trial, type TrialPool } from './protocol-trials.js';

export type Party = 'server' | 'client';

export interface Measurement {
  readonly subject: string;
  readonly attempt: string;
  /** The party that attempts it: `server`, `client`, or the subject's name for that role (e.g. `relay`). */
  readonly party: string;
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
  feature: (t: Trial, pool: TrialPool) => number,
  label: (t: Trial) => boolean,
): LeakageAttempt {
  return {
    ...spec,
    measure(pool) {
      const f = (t: Trial): number => feature(t, pool);
      const rule = calibrateThreshold(pool.calibration.map(f), pool.calibration.map(label));
      const correct = pool.trials.filter((t) => rule(f(t)) === label(t)).length;
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
        if (!MEMBER_SLOTS.includes(i)) return;
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

/** Distinct message lengths of B's view that A's view also has. */
function sharedLengths(t: Trial, party: Party): number {
  const a = new Set(viewOf(t, 'a', party).map((m) => m.length));
  return new Set(viewOf(t, 'b', party).flatMap((m) => (a.has(m.length) ? [m.length] : []))).size;
}

/** Distinct message lengths that occur more than once in A's view. */
function repeatedLengths(t: Trial, party: Party): number {
  const counts = new Map<number, number>();
  for (const m of viewOf(t, 'a', party)) counts.set(m.length, (counts.get(m.length) ?? 0) + 1);
  return [...counts.values()].filter((c) => c > 1).length;
}

/** The index of A's near-miss-or-fresh photo (its last). */
const nearMissSlot = (t: Trial): number => t.membership.length - 1;

/**
 * Hash-sized windows of the received bytes that lie near a database entry but are not one (distance 1 to
 * 2·NEAR_MISS_BITS): what a server holding its database reads from hashes sent in the clear; exact members (distance
 * 0) are left out, and blinded or encrypted bytes are about half their bits from everything.
 */
function nearEntryWindows(messages: readonly Uint8Array[], database: readonly Hash[]): number {
  let near = 0;
  const size = database[0]?.bits.length ?? 0;
  for (const m of messages)
    for (let i = 0; size > 0 && i + size <= m.length; i++) {
      const window = m.subarray(i, i + size);
      const d = Math.min(...database.map((e) => hamming(e, { ...e, bits: window })));
      if (d > 0 && d <= 2 * NEAR_MISS_BITS) near++;
    }
  return near;
}

const nearMissAttempt = distinguisher(
  {
    id: 'near-miss',
    party: 'server',
    learns: `whether a non-matching photo is a near miss (${NEAR_MISS_BITS} bits from an entry)`,
    how: 'the partial matches the protocol shows the server for that photo (chunked: chunks whose lookup tag it found; chunked-tpsi: opened chunk layers) where it shows any, else the number of hash-sized windows of the received bytes within 1–64 bits of an entry; threshold calibrated on simulated sessions',
  },
  (t, pool) =>
    t.a.serverObservations
      ? (t.a.serverObservations[nearMissSlot(t)] ?? 0)
      : nearEntryWindows(t.a.server, pool.database),
  (t) => t.nearMiss,
);

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
    distinguisher(
      {
        id: 'size-linkability',
        party: 'server',
        learns: 'whether two sessions carry the same photo, from message sizes alone',
        how: 'count message lengths the two sessions share; threshold calibrated on simulated sessions',
      },
      (t) => sharedLengths(t, 'server'),
      (t) => t.linked,
    ),
    distinguisher(
      {
        id: 'size-duplicate',
        party: 'server',
        learns: 'whether one session sends the same photo twice, from message sizes alone',
        how: 'count message lengths repeated within one session; threshold calibrated on simulated sessions',
      },
      (t) => repeatedLengths(t, 'server'),
      (t) => t.duplicate,
    ),
    dictionaryAttempt,
    clientMembershipAttempt,
    nearMissAttempt,
  ].map((a) => [a.id, a]),
);

export function registerLeakageAttempt(a: LeakageAttempt): LeakageAttempt {
  attempts.set(a.id, a);
  return a;
}

export const leakageAttempts = (): LeakageAttempt[] => [...attempts.values()];
