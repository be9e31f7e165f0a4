import { describe, it, expect, beforeAll } from 'vitest';
import { ProtocolError } from '../src/psi/errors.js';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import { p256Noble } from '../src/psi/group/noble.js';
import { loadRistretto255Sodium } from '../src/psi/group/sodium.js';
import { createPrng, randomBytesFrom, type Prng } from '../src/util/prng.js';
import { DEFAULT_WIRE_LIMITS, MESSAGE_TYPES, decodeMessage, encodeMessage, type WireLimits } from '../src/psi/wire.js';
import { randomKey, sealWithNonce } from '../src/psi/protocols/tpsi-ad/aead.js';
import { m31Random } from '../src/psi/protocols/tpsi-ad/m31.js';
import { DEFAULT_TPSI_PARAMS } from '../src/psi/protocols/tpsi-ad/params.js';
import { tpsiClient, tpsiServer } from '../src/psi/protocols/tpsi-ad/parties.js';
import { decodePayload, encodePayload, padAd, unpadAd } from '../src/psi/protocols/tpsi-ad/payload.js';
import { tpsiPhotos } from '../src/psi/protocols/tpsi-ad/session.js';
import { randomFieldElement } from '../src/psi/protocols/tpsi-ad/shamir.js';

const SEED = 0x7b51;
const WIRE_MESSAGES = 90_000;
const PAYLOADS = 20_000;
const limits: WireLimits = { ...DEFAULT_WIRE_LIMITS, maxSetElements: 16, maxMessageBytes: 8192 };
const params = { ...DEFAULT_TPSI_PARAMS, threshold: 2, dhfCapacity: 3, adBytes: 24 };
const DIMENSION = params.dhfCapacity + 2;

let sodium: PrimeOrderGroup;
beforeAll(async () => {
  sodium = await loadRistretto255Sodium();
});

/** Published data and vouchers made by the real parties, over a database of 4 entries (a table of 9 slots). */
function corpus(group: PrimeOrderGroup, next: Prng): { published: Uint8Array; vouchers: Uint8Array[] } {
  const database = Array.from({ length: 4 }, () => randomBytesFrom(next, 12));
  const [published] = tpsiServer(group, database, params).prepare();
  const photos = tpsiPhotos([database[0]!, database[1]!, randomBytesFrom(next, 12)], 2);
  return {
    published: published!,
    vouchers: tpsiClient(group, photos, { ...params, syntheticRate: 0.5 }).receive(published!),
  };
}

/** Bit flips, byte overwrites, truncation, extension, header, group and length-field edits, zeroed runs. */
function mutate(seed: Uint8Array, next: Prng): Uint8Array {
  let m = seed.slice();
  const kind = next.nextUint32() % 10;
  const at = (): number => next.nextUint32() % Math.max(1, m.length);
  if (kind === 0)
    for (let i = 0, n = 1 + (next.nextUint32() % 3); i < n && m.length; i++) m[at()]! ^= 1 << (next.nextUint32() % 8);
  else if (kind === 1 && m.length) m[at()] = next.nextUint32() & 0xff;
  else if (kind === 2) m = m.subarray(0, next.nextUint32() % (m.length + 1));
  else if (kind === 3) m = Uint8Array.from([...m, ...randomBytesFrom(next, 1 + (next.nextUint32() % 40))]);
  else if (kind === 4 && m.length > 1)
    m[1] = [...Object.values(MESSAGE_TYPES), next.nextUint32() & 0xff][next.nextUint32() % 10]!;
  else if (kind === 5 && m.length > 0) m[0] = next.nextUint32() % 3;
  else if (kind === 6 && m.length > 2) m[2] = next.nextUint32() % 4;
  else if (kind === 7 && m.length > 10) m[3 + (next.nextUint32() % 8)] = next.nextUint32() & 0xff;
  else if (kind === 8 && m.length > 30) m.set(randomBytesFrom(next, 4), m.length - 4 - (next.nextUint32() % 30));
  else if (m.length > 3) m.fill(0, 3 + (next.nextUint32() % (m.length - 3)), m.length);
  return m;
}

function rejectOnly(f: () => unknown, what: string): 'ok' | 'rejected' {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof ProtocolError) return 'rejected';
    throw new Error(`${what}: ${String(e)}`, { cause: e });
  }
}

describe('tpsi-ad decoders under fuzzing', () => {
  it(`${WIRE_MESSAGES} mutated published data and vouchers, and ${PAYLOADS} mutated payloads: decoders return or throw a ProtocolError; accepted bytes re-encode as they were`, () => {
    const next = createPrng(SEED);
    const corpora = new Map<PrimeOrderGroup, Uint8Array[]>();
    for (const group of [sodium, p256Noble]) {
      const c = corpus(group, next);
      corpora.set(group, [c.published, ...c.vouchers]);
    }
    const counts = { ok: 0, rejected: 0 };
    const reasons = new Set<string>();
    for (let i = 0; i < WIRE_MESSAGES; i++) {
      const group = i % 20 === 0 ? p256Noble : sodium;
      const seeds = corpora.get(group)!;
      const seed = seeds[next.nextUint32() % seeds.length]!;
      const message =
        i % 8 === 0
          ? Uint8Array.from([...seed.subarray(0, 3), ...randomBytesFrom(next, next.nextUint32() % 120)])
          : mutate(seed, next);
      try {
        const decoded = decodeMessage(message, group, limits);
        counts.ok++;
        expect(Buffer.from(encodeMessage(decoded, group)).equals(Buffer.from(message))).toBe(true);
      } catch (e) {
        if (!(e instanceof ProtocolError))
          throw new Error(`message ${i} (${Buffer.from(message).toString('hex')}): ${String(e)}`, { cause: e });
        counts.rejected++;
        reasons.add(e.reason);
      }
    }
    expect(counts.ok).toBeGreaterThan(5000);
    expect([...reasons].sort()).toEqual([
      'identity-point',
      'invalid-field',
      'non-canonical-point',
      'oversized',
      'truncated',
      'unknown-type',
      'unknown-version',
      'wrong-count',
      'wrong-group',
    ]);

    const payloadReasons = new Set<string>();
    const payloads = Array.from({ length: 4 }, () =>
      encodePayload({
        adCiphertext: sealWithNonce(
          randomKey(),
          padAd(randomBytesFrom(next, next.nextUint32() % 9), params.adBytes),
          new Uint8Array(0),
        ),
        share: { x: randomFieldElement(), y: randomFieldElement() },
        dhfX: next.nextUint32() >>> 1,
        dhfValues: m31Random(DIMENSION),
      }),
    );
    const padded = [padAd(new Uint8Array(0), params.adBytes), padAd(randomBytesFrom(next, 8), params.adBytes)];
    let payloadsOk = 0;
    for (let i = 0; i < PAYLOADS; i++) {
      const p = mutate(payloads[next.nextUint32() % payloads.length]!, next);
      try {
        expect(Buffer.from(encodePayload(decodePayload(p, params.adBytes, DIMENSION))).equals(Buffer.from(p))).toBe(
          true,
        );
        payloadsOk++;
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw new Error(`payload ${i}: ${String(e)}`, { cause: e });
        payloadReasons.add(e.reason);
      }
      const a = mutate(padded[i % 2]!, next);
      if (rejectOnly(() => unpadAd(a, params.adBytes), `ad ${i}`) === 'ok')
        expect(padAd(unpadAd(a, params.adBytes), params.adBytes)).toEqual(a);
    }
    expect(payloadsOk).toBeGreaterThan(1000);
    expect([...payloadReasons].sort()).toEqual(['invalid-field', 'scalar-out-of-range', 'wrong-count']);
  });

  it('live parties fed mutated messages fail only with ProtocolErrors', () => {
    const next = createPrng(SEED + 1);
    const database = Array.from({ length: 4 }, () => randomBytesFrom(next, 12));
    const server = tpsiServer(sodium, database, params, { limits });
    const [published] = server.prepare();
    const vouchers = tpsiClient(sodium, tpsiPhotos([database[0]!, database[1]!, database[2]!], 1), {
      ...params,
      syntheticRate: 0.3,
    }).receive(published!);
    const counts = { ok: 0, rejected: 0 };
    for (let i = 0; i < 4000; i++)
      counts[
        rejectOnly(() => server.receive(mutate(vouchers[next.nextUint32() % vouchers.length]!, next)), `voucher ${i}`)
      ]++;
    for (let i = 0; i < 600; i++) {
      const client = tpsiClient(sodium, tpsiPhotos([database[0]!], 1), { ...params, syntheticRate: 0.3 }, { limits });
      counts[rejectOnly(() => client.receive(mutate(published!, next)), `published data ${i}`)]++;
    }
    expect(counts.rejected).toBeGreaterThan(counts.ok);
    expect(counts.ok).toBeGreaterThan(100);
  });
});
