import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { psiInput } from '../src/psi/hash-input.js';
import type { Hash } from '../src/hash/types.js';
import { calibrateThreshold, leakageAttempts, type Measurement } from '../src/leakage/protocol-attempts.js';
import { getLeakageSubject, partialMatchesSeen, type LeakageSubject } from '../src/leakage/protocol-subjects.js';
import { Transcript } from '../src/psi/transcript.js';
import { runTrials } from '../src/leakage/protocol-trials.js';
import { runCountLeakage } from '../src/leakage/count-leakage.js';
import { runCli } from './helpers/cli.js';

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** A toy protocol: the client sends SHA-256(prefix(photo) ‖ photo) per photo; nothing comes back. */
function toySubject(id: string, prefix: (photo: Hash) => Uint8Array): LeakageSubject {
  return {
    id,
    summary: id,
    session: (_db, photos) =>
      Promise.resolve({ server: photos.map((p) => sha256(concat(prefix(p), psiInput(p)))), client: [] }),
  };
}

const KEY = new Uint8Array(32).fill(7);
/** Deterministic blinding under one long-lived key: the planted leak. */
const deterministic = toySubject('toy-deterministic', () => KEY);
/** Fresh randomness per message: nothing links two messages. */
const fresh = toySubject('toy-fresh', () => randomBytes(32));

async function measure(subject: LeakageSubject, trials = 40, calibration = 16): Promise<Map<string, Measurement>> {
  const pool = await runTrials(subject, { seed: 3, calibration, trials, database: 16 });
  return new Map(leakageAttempts().map((a) => [a.id, a.measure(pool)]));
}

describe('protocol leakage attempts', () => {
  it('find a planted leak: deterministic blinding links sessions and duplicates, without revealing the photo', async () => {
    const m = await measure(deterministic);
    expect(m.get('linkability')!.value).toBe(1);
    expect(m.get('duplicate')!.value).toBe(1);
    // The key is the server's secret here only in name: a dictionary attempt without it scores about chance.
    expect(m.get('dictionary')!.interval[0]).toBeLessThanOrEqual(0.01);
  });

  it('give chance-level linkability against fresh randomness per message', async () => {
    const m = await measure(fresh);
    for (const id of ['linkability', 'duplicate']) {
      const r = m.get(id)!;
      expect(r.chance).toBe(0.5);
      expect(r.interval[0]).toBeLessThanOrEqual(0.5);
      expect(r.interval[1]).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('plaintext gives its photos away; oprf-membership links nothing and tells the client membership', async () => {
    const plain = await measure(getLeakageSubject('plaintext')!, 12, 8);
    expect(plain.get('linkability')!.value).toBe(1);
    expect(plain.get('dictionary')!.value).toBe(1);
    const oprf = await measure(getLeakageSubject('oprf-membership')!, 12, 8);
    expect(oprf.get('linkability')!.interval[1]).toBeGreaterThanOrEqual(0.5);
    expect(oprf.get('linkability')!.value).toBeLessThan(0.85);
    // One of the 24 membership answers may be a filter false positive (FPR 10⁻⁶ each): two, about 10⁻¹⁰.
    expect(oprf.get('membership')!.value).toBeGreaterThanOrEqual(23 / 24);
    expect(oprf.get('membership')!.detail!.entriesTestedPerSession).toBe(4);
  }, 60_000);

  it('find a planted size leak (length follows the photo) and give chance-level size linkability to fixed lengths', async () => {
    // Random bytes whose length is the photo's first byte: only sizes carry anything.
    const sized: LeakageSubject = {
      id: 'toy-sized',
      summary: 'toy-sized',
      session: (_db, photos) =>
        Promise.resolve({ server: photos.map((p) => randomBytes(40 + p.bits[0]!)), client: [] }),
    };
    const leak = await measure(sized);
    expect(leak.get('size-linkability')!.interval[0]).toBeGreaterThan(0.75);
    expect(leak.get('size-duplicate')!.interval[0]).toBeGreaterThan(0.75);
    expect(leak.get('linkability')!.interval[0]).toBeLessThanOrEqual(0.5);
    const m = await measure(fresh);
    for (const id of ['size-linkability', 'size-duplicate']) {
      expect(m.get(id)!.interval[0]).toBeLessThanOrEqual(0.5);
      expect(m.get(id)!.interval[1]).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('tell a near miss from a fresh photo in hashes sent in the clear, and from the chunks the chunked server finds', async () => {
    const plain = await measure(getLeakageSubject('plaintext')!, 12, 8);
    expect(plain.get('near-miss')!.value).toBe(1);
    // A transcript whose server recorded the chunks each photo hit: the counts come back per photo.
    const t = new Transcript('server');
    t.computed('candidates', { photo: 1, chunksHit: [3, 5], entries: [0] });
    t.computed('candidates', { photo: 0, chunksHit: [], entries: [] });
    t.computed('candidates', { photo: 1, chunksHit: [7], entries: [2] });
    expect(partialMatchesSeen(t, 3)).toEqual([0, 3, 0]);
    const vouchers = new Transcript('server');
    vouchers.computed('voucher', { chunksOpened: [0, 2] });
    vouchers.computed('voucher', { chunksOpened: [] });
    expect(partialMatchesSeen(vouchers, 2)).toEqual([2, 0]);
    expect(partialMatchesSeen(new Transcript('server'), 2)).toBeUndefined();
  }, 60_000);

  it('the relay links repeated photos by envelope size, not by content; the reviewer sees nothing below t', async () => {
    const relay = await measure(getLeakageSubject('pipeline:relay')!, 8, 8);
    // Same photo, same bytes, same envelope size (distinct photos' PNGs rarely share a length).
    expect(relay.get('size-linkability')!.value).toBeGreaterThanOrEqual(0.75);
    expect(relay.get('size-duplicate')!.value).toBeGreaterThanOrEqual(0.75);
    expect(relay.get('linkability')!.interval[1]).toBeGreaterThanOrEqual(0.5);
    expect(relay.get('dictionary')!.value).toBeLessThan(0.5);
    const reviewer = await runTrials(getLeakageSubject('pipeline:reviewer')!, {
      seed: 3,
      calibration: 2,
      trials: 2,
      database: 16,
    });
    expect(reviewer.trials.every((t) => t.a.server.length === 0 && t.b.server.length === 0)).toBe(true);
  }, 240_000);

  it('calibrates a threshold rule in either direction', () => {
    const rule = calibrateThreshold([1, 2, 8, 9], [false, false, true, true]);
    expect([0, 1.5, 5, 10].map(rule)).toEqual([false, false, true, true]);
    const inverse = calibrateThreshold([1, 2, 8, 9], [true, true, false, false]);
    expect(inverse(1)).toBe(true);
    expect(inverse(9)).toBe(false);
  });
});

describe('count leakage under a prior and across epochs', () => {
  it('sharpens with more epochs and learns nothing when every voucher could be synthetic noise of the same size', () => {
    const base = {
      photos: 300,
      syntheticRate: 0.05,
      capacity: Infinity,
      threshold: 10,
      priorZero: 0.5,
      accounts: 3000,
      seed: 2,
    };
    const one = runCountLeakage({ ...base, epochs: 1 });
    const many = runCountLeakage({ ...base, epochs: 8 });
    expect(one.auc).toBeGreaterThan(0.6);
    expect(many.rmse).toBeLessThan(one.rmse);
    expect(one.rmse).toBeLessThan(one.blindRmse);
    // With a single photo per account and s close to 1, an opened voucher says almost nothing.
    const blind = runCountLeakage({ ...base, photos: 1, threshold: 2, syntheticRate: 0.99, epochs: 1 });
    expect(blind.aucInterval[0]).toBeLessThanOrEqual(0.5);
  });
});

describe('scanlab leakage protocols', () => {
  it('prints and stores the table; unknown protocols are a usage error', () => {
    const bad = runCli(['leakage', 'protocols', '--protocol', 'nope']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown protocol "nope"/);
  });
});
