// tpsi-ad against a server (or an injector on the path) that deviates: test doubles that speak the real wire format —
// a publisher that lowers the threshold or repeats table entries, an injector that re-sends vouchers under new ids or
// accounts — and the client-side and server-side checks that stop them. Each test fails against the code before them.
import { describe, it, expect, beforeAll } from 'vitest';
import type { Hash } from '../src/hash/types.js';
import { countingGroup } from '../src/psi/group/counting.js';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import { p256Noble } from '../src/psi/group/noble.js';
import { loadRistretto255Sodium } from '../src/psi/group/sodium.js';
import { runParties } from '../src/psi/protocols/driver.js';
import { ecdhHashToGroupDst, ecdhParty } from '../src/psi/protocols/ecdh-psi.js';
import { oprfMembershipServer } from '../src/psi/protocols/oprf-membership.js';
import { defaultPsiConfig } from '../src/psi/protocols/registry.js';
import { createAccountSecrets, noCoordinatesUsed, voucherCoordinates } from '../src/psi/protocols/tpsi-ad/account.js';
import { randomKey, sealOnce, sealWithNonce } from '../src/psi/protocols/tpsi-ad/aead.js';
import { slotContext, voucherContext } from '../src/psi/protocols/tpsi-ad/context.js';
import { cuckooPositions } from '../src/psi/protocols/tpsi-ad/cuckoo.js';
import { syntheticDhfValues } from '../src/psi/protocols/tpsi-ad/dhf.js';
import { sealSlot, tpsiGenerator, tpsiHashToGroupDst } from '../src/psi/protocols/tpsi-ad/outer-layer.js';
import { DEFAULT_TPSI_PARAMS, dhfDimensionOf, type TpsiParams } from '../src/psi/protocols/tpsi-ad/params.js';
import { encodePayload, padAd } from '../src/psi/protocols/tpsi-ad/payload.js';
import { tpsiClient, tpsiServer } from '../src/psi/protocols/tpsi-ad/parties.js';
import { setupTpsiServer } from '../src/psi/protocols/tpsi-ad/server-setup.js';
import { createTpsiParties, tpsiPhotos } from '../src/psi/protocols/tpsi-ad/session.js';
import { randomFieldElement } from '../src/psi/protocols/tpsi-ad/shamir.js';
import { PublishedTable, createVoucher } from '../src/psi/protocols/tpsi-ad/voucher.js';
import { seededRandom } from '../src/psi/random.js';
import { runPsi } from '../src/psi/run.js';
import { decodeSecretKey, encodeSecretKey } from '../src/psi/secret-key.js';
import {
  decodeExpected,
  decodeMessage,
  encodeEcdhBlindedSet,
  encodeOprfRequest,
  encodeTpsiPublicData,
  encodeTpsiVoucher,
} from '../src/psi/wire.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import { reasonOf } from './helpers/protocol.js';

const rand = createPrng(1313);
const input = (): Uint8Array => randomBytesFrom(rand, 38);
const params = (p: Partial<TpsiParams>): TpsiParams => ({ ...DEFAULT_TPSI_PARAMS, ...p });

let sodium: PrimeOrderGroup;
beforeAll(async () => {
  sodium = await loadRistretto255Sodium();
});

/** A server's published data with some fields replaced, re-encoded in the real wire format. */
function republish(group: PrimeOrderGroup, published: Uint8Array, edit: Record<string, unknown>): Uint8Array {
  const { data } = decodeExpected('tpsi-public-data', published, group);
  return encodeTpsiPublicData(group, { ...data, ...edit });
}

describe('1. the client fixes threshold, DHF capacity and ad size', () => {
  const database = Array.from({ length: 10 }, input);

  it('refuses a publication with a lower threshold, a smaller DHF or another ad size', () => {
    const p = params({ threshold: 3, dhfCapacity: 8 });
    const [published] = tpsiServer(sodium, database, p).prepare();
    const photos = tpsiPhotos([database[0]!, input()], 1);
    for (const edit of [{ threshold: 1 }, { dhfDimension: 3 }, { adBytes: 8 }]) {
      const client = tpsiClient(sodium, photos, p);
      expect(reasonOf(() => client.receive(republish(sodium, published!, edit)))).toBe('parameter-mismatch');
    }
    expect(tpsiClient(sodium, photos, p).receive(published!)).toHaveLength(2);
  });

  it('a server that publishes t = 1 gets no voucher, so it cannot reveal an ad after one match', () => {
    const clientParams = params({ threshold: 3, syntheticRate: 0 });
    const server = tpsiServer(sodium, database, params({ threshold: 1, syntheticRate: 0 }));
    const client = tpsiClient(sodium, tpsiPhotos([database[0]!], 1), clientParams);
    expect(reasonOf(() => runParties(client, server, 1))).toBe('parameter-mismatch');
    expect(server.accounts()).toEqual([]);
  });
});

describe('2. duplicated table entries', () => {
  it('a table that copies α·H(y) into both positions of y is refused, and a voucher over equal entries aborts', () => {
    const database = Array.from({ length: 12 }, input);
    const p = params({ threshold: 2 });
    // The malicious server knows α: it writes the entry for database[0] into its other cuckoo position too.
    const setup = setupTpsiServer(sodium, database, p);
    const { publicData: data } = setup;
    const n = sodium.elementBytes;
    const [w1, w2] = cuckooPositions(data.cuckooSeed, data.tableSize, database[0]!);
    const table = data.table.slice();
    const own = setup.table.slots[w1] === 0 ? w1 : w2;
    const other = own === w1 ? w2 : w1;
    table.copyWithin(other * n, own * n, (own + 1) * n);
    const tampered = encodeTpsiPublicData(sodium, { ...data, table });
    const photos = tpsiPhotos([database[0]!, input()], 1);
    expect(reasonOf(() => tpsiClient(sodium, photos, p).receive(tampered))).toBe('duplicate-element');
    // Even handed such a table directly, the voucher builder refuses to use two equal entries.
    const secrets = createAccountSecrets(0, p.threshold, dhfDimensionOf(p));
    const published = new PublishedTable(sodium, { ...data, table });
    for (const synthetic of [false, true])
      expect(reasonOf(() => createVoucher(published, secrets, photos[0]!, synthetic))).toBe('duplicate-element');
  });
});

/** A client's vouchers re-sent by an injector: the same bytes with another id or account, in the real wire format. */
function resend(group: PrimeOrderGroup, voucher: Uint8Array, edit: { id?: Uint8Array; account?: number }): Uint8Array {
  const { voucher: v } = decodeExpected('tpsi-voucher', voucher, group);
  return encodeTpsiVoucher(group, { ...v, ...edit });
}

describe('3. vouchers are bound to version, group, account, id and slot', () => {
  const database = Array.from({ length: 30 }, input);

  it('a synthetic voucher re-sent under new ids or another account stays shut and adds no share', () => {
    const p = params({ threshold: 3, syntheticRate: 0.99, dhfCapacity: 8 });
    const photos = tpsiPhotos([input(), input()], 1);
    const server = tpsiServer(sodium, database, p);
    const [published] = server.prepare();
    const client = tpsiClient(sodium, photos, p);
    const vouchers = client.receive(published!);
    const synthetic = vouchers[client.synthetic().indexOf(true)]!;
    server.receive(synthetic);
    for (let i = 0; i < 3; i++) server.receive(resend(sodium, synthetic, { id: randomBytesFrom(rand, 16) }));
    server.receive(resend(sodium, synthetic, { account: 7 }));
    const [own, moved] = server.accounts();
    expect(own).toMatchObject({ vouchers: 4, opened: 1, realShares: 0, keyReconstructed: false });
    expect(moved).toMatchObject({ account: 7, opened: 0 });
  });

  it('an honest account at the threshold still reconstructs with re-sent synthetic vouchers mixed in', () => {
    const p = params({ threshold: 3, syntheticRate: 0.5, dhfCapacity: 16 });
    for (let attempt = 0; attempt < 20; attempt++) {
      const photos = tpsiPhotos([...database.slice(0, 12), input(), input(), input(), input()], 1);
      const server = tpsiServer(sodium, database, p);
      const [published] = server.prepare();
      const client = tpsiClient(sodium, photos, p);
      const vouchers = client.receive(published!);
      const synthetic = client.synthetic();
      if (!synthetic.includes(true) || synthetic.slice(0, 12).filter((s) => !s).length < 3) continue;
      const replay = vouchers[synthetic.indexOf(true)]!;
      for (const v of vouchers) {
        server.receive(v);
        server.receive(resend(sodium, replay, { id: randomBytesFrom(rand, 16) }));
      }
      expect(server.accounts()[0]).toMatchObject({ keyReconstructed: true, failure: null });
      expect(server.accounts()[0]!.revealed).toHaveLength(synthetic.slice(0, 12).filter((s) => !s).length);
      return;
    }
    throw new Error('no run with both synthetic and at least t real matches');
  });

  it('a real voucher with its slots swapped, or re-sent under another id, does not open', () => {
    const p = params({ threshold: 3, syntheticRate: 0 });
    const server = tpsiServer(sodium, database, p);
    const [published] = server.prepare();
    const [voucher] = tpsiClient(sodium, tpsiPhotos([database[0]!], 1), p).receive(published!);
    const { voucher: v } = decodeExpected('tpsi-voucher', voucher!, sodium);
    server.receive(encodeTpsiVoucher(sodium, { ...v, slots: [v.slots[1], v.slots[0]] }));
    server.receive(resend(sodium, voucher!, { id: randomBytesFrom(rand, 16) }));
    expect(server.accounts()[0]).toMatchObject({ vouchers: 2, opened: 0 });
  });

  it('a repeated share x or DHF x within an account counts as a replay, not as a new share', () => {
    const p = params({ threshold: 3, syntheticRate: 0, dhfCapacity: 8 });
    const server = tpsiServer(sodium, database, p);
    const [published] = server.prepare();
    const { data } = decodeExpected('tpsi-public-data', published!, sodium);
    const g = tpsiGenerator(sodium);
    // A dishonest client sends one payload under several ids, each voucher correctly sealed for its own id.
    const payload = encodePayload({
      adCiphertext: sealWithNonce(randomKey(), padAd(new Uint8Array(0), p.adBytes), new Uint8Array(0)),
      share: { x: randomFieldElement(), y: randomFieldElement() },
      dhfX: 12345,
      dhfValues: syntheticDhfValues(dhfDimensionOf(p)),
    });
    const voucher = (): Uint8Array => {
      const id = randomBytesFrom(rand, 16);
      const context = voucherContext(sodium, 0, id);
      const key = randomKey();
      const gamma = sodium.randomScalar();
      const opening = sealSlot(
        sodium,
        sodium.multiply(gamma, g),
        sodium.multiply(gamma, data.blindingKey),
        key,
        slotContext(context, 0),
      );
      const shut = sealSlot(sodium, g, g, key, slotContext(context, 1));
      return encodeTpsiVoucher(sodium, {
        account: 0,
        id,
        slots: [opening, shut],
        payload: sealOnce(key, payload, context),
      });
    };
    for (let i = 0; i < 3; i++) server.receive(voucher());
    expect(server.accounts()[0]).toMatchObject({ vouchers: 3, opened: 1, replays: 2, realShares: 0 });
  });
});

describe('4. real and synthetic vouchers cost the same group work', () => {
  it('counts the same hashes, multiplications, additions, decodings and random scalars', () => {
    const database = Array.from({ length: 20 }, input);
    const p = params({ threshold: 3 });
    const { publicData } = setupTpsiServer(sodium, database, p);
    const counted = countingGroup(sodium);
    const secrets = createAccountSecrets(0, p.threshold, dhfDimensionOf(p));
    const cost = (synthetic: boolean, photo: Uint8Array) => {
      const table = new PublishedTable(counted.group, publicData);
      const before = { ...counted.counts };
      createVoucher(
        table,
        secrets,
        { account: 0, input: photo, id: randomBytesFrom(rand, 16), ad: new Uint8Array(4) },
        synthetic,
      );
      return Object.fromEntries(
        Object.entries(counted.counts).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
      );
    };
    for (const photo of [database[0]!, input()]) {
      const real = cost(false, photo);
      expect(cost(true, photo)).toEqual(real);
      expect(real).toMatchObject({ hashToGroup: 1, multiply: 8, add: 4, randomScalar: 4 });
    }
  });
});

describe('5. the DHF point', () => {
  it('is redrawn when it repeats within an account, and stays fixed by the id otherwise', () => {
    const prfKey = randomBytesFrom(rand, 32);
    const [first, second] = [randomBytesFrom(rand, 16), randomBytesFrom(rand, 16)];
    const alone = voucherCoordinates(prfKey, second);
    expect(voucherCoordinates(prfKey, second)).toEqual(alone);
    // The account has already used the point this id draws first (a 31-bit collision, ≈ C(k, 2)/2^31 per account).
    const used = noCoordinatesUsed();
    voucherCoordinates(prfKey, first, used);
    used.dhfX.add(alone.dhfX);
    const redrawn = voucherCoordinates(prfKey, second, used);
    expect(redrawn.dhfX).not.toBe(alone.dhfX);
    expect(redrawn.shareX).toBe(alone.shareX);
    expect(used.dhfX.has(redrawn.dhfX)).toBe(true);
  });
});

describe('6. hash-to-group tags name the suite', () => {
  it('differ between ristretto255 and P-256, for tpsi-ad and ecdh-psi', () => {
    const text = (b: Uint8Array): string => new TextDecoder().decode(b);
    expect(text(tpsiHashToGroupDst(sodium))).toBe('scanlab-tpsi-ad-v1-ristretto255-SHA512');
    expect(text(tpsiHashToGroupDst(p256Noble))).toBe('scanlab-tpsi-ad-v1-P256-SHA256');
    expect(text(ecdhHashToGroupDst(sodium))).toBe('scanlab-ecdh-psi-v1-ristretto255-SHA512');
    expect(text(ecdhHashToGroupDst(p256Noble))).toBe('scanlab-ecdh-psi-v1-P256-SHA256');
  });
});

describe('7. client-private values', () => {
  it("stay out of the client's transcript: the synthetic choices are confidential events", () => {
    const database = Array.from({ length: 8 }, input);
    const p = params({ threshold: 2, syntheticRate: 0.5 });
    const parties = createTpsiParties(sodium, database, [database[0]!, input(), input()], p, 1);
    runParties(parties.client, parties.server, 3);
    expect(JSON.stringify(parties.client.transcript.events)).not.toContain('synthetic');
    expect(parties.client.transcript.confidentialEvents.map((e) => e.value)).toEqual(
      parties.client.synthetic().map((synthetic, photo) => ({ photo, synthetic })),
    );
  });
});

describe('8. secret keys', () => {
  it('have a local format that decodeMessage never accepts, and the old message type is gone', () => {
    const key = sodium.randomScalar();
    const file = encodeSecretKey(sodium, key);
    expect(sodium.encodeScalar(decodeSecretKey(sodium, file))).toEqual(sodium.encodeScalar(key));
    expect(reasonOf(() => decodeMessage(file, sodium))).toBe('unknown-version');
    const oldFormat = new Uint8Array([1, 0x1f, 1, ...sodium.encodeScalar(key)]);
    expect(reasonOf(() => decodeMessage(oldFormat, sodium))).toBe('unknown-type');
    expect(reasonOf(() => decodeSecretKey(sodium, oldFormat))).toBe('invalid-field');
    expect(reasonOf(() => decodeSecretKey(p256Noble, file))).toBe('wrong-group');
  });
});

describe('9. per-session query limits', () => {
  const items = Array.from({ length: 4 }, input);
  const point = (): Uint8Array => sodium.encodeElement(sodium.hashToGroup(input(), new Uint8Array([9])));

  it('the OPRF server refuses evaluations beyond --max-queries', () => {
    const server = oprfMembershipServer(sodium, items, { falsePositiveRate: 0.01, maxQueries: 3 });
    server.prepare();
    for (let i = 0; i < 3; i++) server.receive(encodeOprfRequest(sodium, sodium.decodeElement(point())));
    expect(reasonOf(() => server.receive(encodeOprfRequest(sodium, sodium.decodeElement(point()))))).toBe('oversized');
  });

  it('the ECDH server refuses a larger client set, the tpsi-ad server more vouchers', () => {
    const options = { learner: 'server' as const, cardinalityOnly: false, maxQueries: 3 };
    const server = ecdhParty('server', sodium, items, options);
    server.prepare();
    expect(reasonOf(() => server.receive(encodeEcdhBlindedSet(sodium, [point(), point(), point(), point()])))).toBe(
      'oversized',
    );
    const p = params({ threshold: 2, syntheticRate: 0 });
    const tpsi = tpsiServer(sodium, items, p, { maxQueries: 2 });
    const [published] = tpsi.prepare();
    const vouchers = tpsiClient(sodium, tpsiPhotos([input(), input(), input()], 1), p).receive(published!);
    tpsi.receive(vouchers[0]!);
    tpsi.receive(vouchers[1]!);
    expect(reasonOf(() => tpsi.receive(vouchers[2]!))).toBe('oversized');
  });
});

describe('reproducible runs', () => {
  const hash = (): Hash => ({ algo: 'pdq', nbits: 256, bits: randomBytesFrom(rand, 32) });
  const database = Array.from({ length: 30 }, hash);
  const queries = [...database.slice(0, 12), ...Array.from({ length: 28 }, hash)];

  it('the seed fixes every simulation choice; keys follow it only with deterministic keys', async () => {
    const run = (seed: number, deterministicKeys: boolean) =>
      runPsi(
        defaultPsiConfig('tpsi-ad', {
          seed,
          deterministicKeys,
          tpsi: params({ threshold: 3, syntheticRate: 0.3 }),
          accounts: 2,
        }),
        database,
        queries,
      );
    const received = (r: Awaited<ReturnType<typeof run>>): string =>
      Buffer.concat(r.transcripts.server.events.flatMap((e) => (e.kind === 'received' ? [e.bytes] : []))).toString(
        'hex',
      );
    const [a, b, c, d] = [await run(4, false), await run(4, false), await run(5, false), await run(4, true)];
    expect(b.tpsi!.rows.map((r) => r.synthetic)).toEqual(a.tpsi!.rows.map((r) => r.synthetic));
    expect(b.photos.map((p) => p.voucherId)).toEqual(a.photos.map((p) => p.voucherId));
    expect(received(b)).not.toBe(received(a));
    expect(c.photos.map((p) => p.voucherId)).not.toEqual(a.photos.map((p) => p.voucherId));
    expect(received(await run(4, true))).toBe(received(d));
    expect(a.accuracy.falseNegatives).toBe(0);
    expect(a.accuracy.withheldByDesign).toBe(a.photos.filter((p) => p.matched && !p.revealed).length);
  });

  it('seeded streams are reproducible per label and independent across labels', () => {
    expect(seededRandom(3, 'x').bytes(40)).toEqual(seededRandom(3, 'x').bytes(40));
    expect(seededRandom(3, 'x').bytes(40)).not.toEqual(seededRandom(3, 'y').bytes(40));
    expect(seededRandom(3, 'x').bytes(40)).not.toEqual(seededRandom(4, 'x').bytes(40));
    const s = seededRandom(3, 'x');
    expect(s.bytes(16)).not.toEqual(s.bytes(16));
  });
});
