import { describe, it, expect, beforeAll } from 'vitest';
import { bytesToHex } from '@noble/curves/utils.js';
import type { Hash } from '../src/hash/types.js';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import { p256Noble, ristretto255Noble } from '../src/psi/group/noble.js';
import { loadRistretto255Sodium } from '../src/psi/group/sodium.js';
import { runParties } from '../src/psi/protocols/driver.js';
import { defaultPsiConfig } from '../src/psi/protocols/registry.js';
import { runPsi } from '../src/psi/run.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import { decodeExpected, encodeTpsiVoucher } from '../src/psi/wire.js';
import { adKeyFromSecret } from '../src/psi/protocols/tpsi-ad/account.js';
import { openWithNonce, randomKey, sealOnce, sealWithNonce } from '../src/psi/protocols/tpsi-ad/aead.js';
import { dhfValues, generateDhfKey, syntheticDhfValues } from '../src/psi/protocols/tpsi-ad/dhf.js';
import { slotContext, voucherContext } from '../src/psi/protocols/tpsi-ad/context.js';
import { sealSlot, tpsiGenerator } from '../src/psi/protocols/tpsi-ad/outer-layer.js';
import { DEFAULT_TPSI_PARAMS, dhfDimensionOf, type TpsiParams } from '../src/psi/protocols/tpsi-ad/params.js';
import { encodePayload, padAd } from '../src/psi/protocols/tpsi-ad/payload.js';
import { tpsiClient, tpsiServer } from '../src/psi/protocols/tpsi-ad/parties.js';
import { tpsiPartiesOutcome } from '../src/psi/protocols/tpsi-ad/outcome.js';
import {
  createTpsiParties,
  photoIndexOfAd,
  tpsiPhotos,
  type TpsiParties,
} from '../src/psi/protocols/tpsi-ad/session.js';
import { interpolatePolynomial, randomFieldElement } from '../src/psi/protocols/tpsi-ad/shamir.js';
import type { TpsiPublicData } from '../src/psi/protocols/tpsi-ad/wire-format.js';
import { reasonOf } from './helpers/protocol.js';

const rand = createPrng(808);
const input = (): Uint8Array => randomBytesFrom(rand, 38);

let sodium: PrimeOrderGroup;
beforeAll(async () => {
  sodium = await loadRistretto255Sodium();
});

const params = (p: Partial<TpsiParams>): TpsiParams => ({ ...DEFAULT_TPSI_PARAMS, ...p });

/** Queries such that, with round-robin assignment, account j holds `matches[j]` database hashes among `perAccount` photos. */
function queriesFor(
  database: readonly Uint8Array[],
  matches: readonly number[],
  perAccount: number,
): { queries: Uint8Array[]; isMatch: boolean[] } {
  const queries: Uint8Array[] = [];
  const isMatch: boolean[] = [];
  let used = 0;
  for (let r = 0; r < perAccount; r++) {
    for (let j = 0; j < matches.length; j++) {
      const match = r < matches[j]!;
      queries.push(match ? database[used++]! : input());
      isMatch.push(match);
    }
  }
  return { queries, isMatch };
}

function run(
  group: PrimeOrderGroup,
  database: readonly Uint8Array[],
  queries: readonly Uint8Array[],
  p: TpsiParams,
  accounts: number,
): TpsiParties {
  const parties = createTpsiParties(group, database, queries, p, accounts);
  runParties(parties.client, parties.server, queries.length);
  return parties;
}

describe.each([
  ['ristretto255/sodium', () => sodium, 6],
  ['ristretto255/noble', () => ristretto255Noble, 3],
  ['p256/noble', () => p256Noble, 2],
] as const)('tpsi-ad on %s', (_, group, t) => {
  it("reveals exactly the real matches' ad at and above t, nothing below", () => {
    const database = Array.from({ length: 3 * t + 8 }, input);
    const { queries, isMatch } = queriesFor(database, [t, t + 2, t - 1], t + 3);
    const parties = run(group(), database, queries, params({ threshold: t, syntheticRate: 0, dhfCapacity: 4 }), 3);
    const views = parties.server.accounts();
    expect(views.map((v) => [v.vouchers, v.opened, v.realShares, v.keyReconstructed])).toEqual([
      [t + 3, t, t, true],
      [t + 3, t + 2, t + 2, true],
      [t + 3, t - 1, 0, false],
    ]);
    for (const v of views) {
      const revealed = v.revealed.map((r) => photoIndexOfAd(r.ad)!).sort((a, b) => a - b);
      const expected = parties.photos.flatMap((p, i) =>
        p.account === v.account && isMatch[i] && v.account !== 2 ? [i] : [],
      );
      expect(revealed).toEqual(expected);
      for (const r of v.revealed) expect(bytesToHex(r.ad)).toBe(bytesToHex(parties.photos[photoIndexOfAd(r.ad)!]!.ad));
    }
    const report = tpsiPartiesOutcome(parties, params({ threshold: t, syntheticRate: 0 }), 3, isMatch);
    expect(report.allCorrect).toBe(true);
    const outcome = parties.server.outcome();
    expect(outcome).toEqual({
      kind: 'membership',
      matches: isMatch.map((m, i) => m && parties.photos[i]!.account !== 2),
    });
  });
});

describe('tpsi-ad with synthetic vouchers', () => {
  it('below t real shares the server decrypts no ad, even trying every t-subset of the opened shares (random runs)', () => {
    let belowRuns = 0;
    let aboveRuns = 0;
    for (let r = 0; r < 30; r++) {
      const t = 2 + (rand.nextUint32() % 5);
      const n = t + 2 + (rand.nextUint32() % 8);
      const k = rand.nextUint32() % Math.min(n, t + 2);
      const s = (rand.nextUint32() % 60) / 100;
      const database = Array.from({ length: 12 }, input);
      const { queries, isMatch } = queriesFor(database, [k], n);
      const p = params({ threshold: t, syntheticRate: s, dhfCapacity: 16 });
      const parties = run(sodium, database, queries, p, 1);
      const synthetic = parties.client.synthetic();
      const realMatches = isMatch.filter((m, i) => m && !synthetic[i]).length;
      const [view] = parties.server.accounts();
      expect(view!.opened).toBe(isMatch.filter((m, i) => m || synthetic[i]).length);
      expect(tpsiPartiesOutcome(parties, p, 1, isMatch).allCorrect).toBe(true);
      if (realMatches >= t) {
        aboveRuns++;
        expect(view!.keyReconstructed).toBe(true);
        continue;
      }
      belowRuns++;
      expect(view).toMatchObject({ keyReconstructed: false, realShares: 0, revealed: [] });
      const opened = parties.server.openedVouchers(0);
      const subsets: number[][] = [];
      const pick = (from: number, chosen: number[]): void => {
        if (subsets.length >= 300) return;
        if (chosen.length === t) subsets.push(chosen);
        else for (let i = from; i < opened.length; i++) pick(i + 1, [...chosen, i]);
      };
      pick(0, []);
      for (const subset of subsets) {
        const key = adKeyFromSecret(interpolatePolynomial(subset.map((i) => opened[i]!.payload.share))[0]!);
        for (const v of opened) expect(openWithNonce(key, v.payload.adCiphertext, v.context)).toBeUndefined();
      }
    }
    expect(belowRuns).toBeGreaterThan(10);
    expect(aboveRuns).toBeGreaterThan(0);
  });

  it('synthetic vouchers never corrupt reconstruction, also when the client reaches its DHF capacity', () => {
    for (const [s, capacity] of [
      [0.5, 64],
      [0.9, 5],
    ] as const) {
      const database = Array.from({ length: 60 }, input);
      const { queries, isMatch } = queriesFor(database, [14, 9, 3], 40);
      const p = params({ threshold: 4, syntheticRate: s, dhfCapacity: capacity });
      const parties = run(sodium, database, queries, p, 3);
      const report = tpsiPartiesOutcome(parties, p, 3, isMatch);
      expect(report.allCorrect).toBe(true);
      expect(report.rows.map((a) => a.keyReconstructed)).toEqual(report.rows.map((a) => a.realMatches >= 4));
      if (capacity === 5) expect(report.rows.map((a) => a.synthetic)).toEqual([5, 5, 5]);
      else expect(report.rows.reduce((acc, a) => acc + a.synthetic, 0)).toBeGreaterThan(30);
    }
  });

  it('runs through runPsi with the parameters recorded, several accounts and the transcripts of both sides', async () => {
    const hash = (): Hash => ({ algo: 'pdq', nbits: 256, bits: randomBytesFrom(rand, 32) });
    const database = Array.from({ length: 50 }, hash);
    const queries = [...database.slice(0, 20), ...Array.from({ length: 20 }, hash)];
    const config = defaultPsiConfig('tpsi-ad', { tpsi: params({ threshold: 5, syntheticRate: 0.1 }), accounts: 2 });
    const r = await runPsi(config, database, queries);
    expect(r.config).toMatchObject({ tpsi: { threshold: 5, syntheticRate: 0.1, cuckooEpsilon: 1.2 } });
    expect(r.tpsi!.allCorrect).toBe(true);
    expect(r.tpsi!.setup).toMatchObject({ tableSize: 110, distinctEntries: 50 });
    expect(r.costs.server.setupBytesSent).toBe(r.tpsi!.setup!.publicDataBytes);
    expect(r.accuracy.learner).toBe('server');
    // One hash to the group per voucher, real or synthetic, and one for the generator G.
    expect(r.costs.client.onlineOps.hashToGroup).toBe(40 + 1);
    expect(r.costs.client.onlineOps.multiply).toBe(8 * 40);
    expect(r.costs.server.onlineOps.multiply).toBe(80);
    const serverEvents = r.transcripts.server.events.filter((e) => e.kind === 'computed' && e.what === 'voucher');
    expect(serverEvents).toHaveLength(40);
    const clientEvents = r.transcripts.client.events.filter((e) => e.kind === 'computed' && e.what === 'voucher');
    expect(clientEvents).toHaveLength(40);
    expect(r.transcripts.client.events[0]).toMatchObject({ kind: 'received', type: 'tpsi-public-data' });
  });
});

/** A hostile client's tools: decode the published data, make slots that open (β = 0) and payloads of its own choosing. */
function hostile(group: PrimeOrderGroup, published: Uint8Array) {
  const { data } = decodeExpected('tpsi-public-data', published, group);
  const g = tpsiGenerator(group);
  const openingSlot = (voucherKey: Uint8Array, ad: Uint8Array) => {
    const gamma = group.randomScalar();
    return sealSlot(group, group.multiply(gamma, g), group.multiply(gamma, data.blindingKey), voucherKey, ad);
  };
  const shutSlot = (voucherKey: Uint8Array, ad: Uint8Array) =>
    sealSlot(group, group.multiply(group.randomScalar(), g), group.multiply(group.randomScalar(), g), voucherKey, ad);
  const voucher = (account: number, payload: Uint8Array, opening = 1) => {
    const key = randomKey();
    const id = randomBytesFrom(rand, 16);
    const context = voucherContext(group, account, id);
    const slots = [
      opening >= 1 ? openingSlot(key, slotContext(context, 0)) : shutSlot(key, slotContext(context, 0)),
      opening >= 2 ? openingSlot(key, slotContext(context, 1)) : shutSlot(key, slotContext(context, 1)),
    ] as const;
    return encodeTpsiVoucher(group, { account, id, slots, payload: sealOnce(key, payload, context) });
  };
  return { data: data as TpsiPublicData, voucher };
}

describe('tpsi-ad against replays and hostile peers', () => {
  const database = Array.from({ length: 20 }, input);

  it('counts a voucher id once, however often and in whatever form it comes back', () => {
    const t = 3;
    const { queries } = queriesFor(database, [t - 1], 5);
    const photos = tpsiPhotos(queries, 1);
    const p = params({ threshold: t, syntheticRate: 0 });
    const server = tpsiServer(sodium, [...database, database[0]!], p);
    const [published] = server.prepare();
    const vouchers = tpsiClient(sodium, photos, p).receive(published!);
    const again = tpsiClient(sodium, photos, p).receive(published!);
    for (const v of [...vouchers, ...vouchers, ...again]) server.receive(v);
    expect(server.setupInfo()!.distinctEntries).toBe(20);
    expect(server.accounts()).toEqual([
      expect.objectContaining({ vouchers: 5, replays: 10, opened: t - 1, realShares: 0, keyReconstructed: false }),
    ]);
    const replays = server.transcript.events.filter(
      (e) => e.kind === 'computed' && e.what === 'voucher' && (e.value as { replay?: boolean }).replay,
    );
    expect(replays).toHaveLength(10);
  });

  it('rejects out-of-turn, malformed and hostile vouchers with ProtocolErrors', () => {
    const p = params({ threshold: 3, syntheticRate: 0, dhfCapacity: 4, adBytes: 16 });
    const dimension = dhfDimensionOf(p);
    const server = tpsiServer(sodium, database, p);
    const early = hostile(sodium, tpsiServer(sodium, database, p).prepare()[0]!);
    expect(reasonOf(() => server.receive(early.voucher(0, new Uint8Array(1))))).toBe('unexpected-message');
    const [published] = server.prepare();
    expect(reasonOf(() => server.receive(published!))).toBe('unexpected-message');
    const h = hostile(sodium, published!);
    let nextX = 1;
    const payload = (
      values: Uint32Array,
      ad = new Uint8Array(0),
      key = randomKey(),
      x = randomFieldElement(),
      y = randomFieldElement(),
    ) =>
      encodePayload({
        adCiphertext: sealWithNonce(key, padAd(ad, p.adBytes), new Uint8Array(0)),
        share: { x, y },
        dhfX: nextX++,
        dhfValues: values,
      });
    expect(reasonOf(() => server.receive(h.voucher(0, payload(syntheticDhfValues(dimension)), 2)))).toBe(
      'invalid-field',
    );
    expect(reasonOf(() => server.receive(h.voucher(0, payload(syntheticDhfValues(dimension + 1)))))).toBe(
      'wrong-count',
    );
    const tampered = h.voucher(0, payload(syntheticDhfValues(dimension)));
    tampered[tampered.length - 1]! ^= 1;
    expect(reasonOf(() => server.receive(tampered))).toBe('invalid-field');
    const badPoint = h.voucher(0, payload(syntheticDhfValues(dimension)));
    badPoint.fill(0xff, 2 + 1 + 4 + 16, 2 + 1 + 4 + 16 + 32);
    expect(reasonOf(() => server.receive(badPoint))).toBe('non-canonical-point');
    expect(server.accounts()).toEqual([]);
    for (let i = 0; i < 2 + p.dhfCapacity; i++) server.receive(h.voucher(1, payload(syntheticDhfValues(dimension))));
    expect(reasonOf(() => server.receive(h.voucher(1, payload(syntheticDhfValues(dimension)))))).toBe('oversized');
    const dhf = generateDhfKey(p.threshold, dimension);
    const looksReal = () => {
      const x = nextX++;
      return encodePayload({
        adCiphertext: sealWithNonce(randomKey(), padAd(new Uint8Array(0), p.adBytes), new Uint8Array(0)),
        share: { x: randomFieldElement(), y: randomFieldElement() },
        dhfX: x,
        dhfValues: dhfValues(dhf, x),
      });
    };
    server.receive(h.voucher(2, looksReal()));
    server.receive(h.voucher(2, looksReal()));
    expect(reasonOf(() => server.receive(h.voucher(2, looksReal())))).toBe('invalid-field');
    expect(reasonOf(() => server.receive(h.voucher(2, looksReal())))).toBe('invalid-field');
    expect(server.accounts().find((a) => a.account === 2)!.failure).toMatch(
      /does not open under the reconstructed key/,
    );
  });

  it('a client rejects bad published data and table entries it would use', () => {
    const p = params({ threshold: 3 });
    const photos = tpsiPhotos([input()], 1);
    const [published] = tpsiServer(sodium, database, p).prepare();
    const client = tpsiClient(sodium, photos, p);
    expect(reasonOf(() => client.receive(published!.subarray(0, 40)))).toBe('truncated');
    // Every entry non-canonical (2^256 − 1 − i, distinct so that the duplicate check passes): the client's two fail.
    const broken = published!.slice();
    const entries = 44;
    broken.fill(0xff, broken.length - 32 * entries);
    for (let i = 0; i < entries; i++) broken[broken.length - 32 * (i + 1)] = i;
    expect(reasonOf(() => tpsiClient(sodium, photos, p).receive(broken))).toBe('non-canonical-point');
    expect(client.receive(published!)).toHaveLength(1);
    expect(reasonOf(() => client.receive(published!))).toBe('unexpected-message');
  });
});
