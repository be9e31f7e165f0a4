import { describe, it, expect, beforeAll } from 'vitest';
import { bytesToHex } from '@noble/curves/utils.js';
import type { Hash } from '../src/hash/types.js';
import { fromHex } from '../src/hash/bits.js';
import { psiInput } from '../src/psi/hash-input.js';
import { BloomFilter, bloomParams, expectedFalsePositiveRate } from '../src/psi/bloom.js';
import { loadRistretto255Sodium } from '../src/psi/group/sodium.js';
import { p256Noble, ristretto255Noble } from '../src/psi/group/noble.js';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import { runParties } from '../src/psi/protocols/driver.js';
import { ecdhParty } from '../src/psi/protocols/ecdh-psi.js';
import { oprfMembershipClient, oprfMembershipServer } from '../src/psi/protocols/oprf-membership.js';
import { defaultPsiConfig, type ProtocolName, type PsiConfig } from '../src/psi/protocols/registry.js';
import { runPsi } from '../src/psi/run.js';
import { buildOprfFilter } from '../src/psi/oprf-database.js';
import { storeTranscript, type Transcript } from '../src/psi/transcript.js';
import { encodeOprfResponse, encodeEcdhDoubleBlindedSet } from '../src/psi/wire.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import { reasonOf } from './helpers/protocol.js';

const rand = createPrng(2024);
const randomHash = (): Hash => ({ algo: 'phash', nbits: 64, bits: randomBytesFrom(rand, 8) });
const database: Hash[] = Array.from({ length: 40 }, randomHash);
// 8 queries from the database (one twice), 8 fresh ones, and one with the same bits under another algorithm.
const queries: Hash[] = [
  ...database.slice(0, 8),
  database[3]!,
  ...Array.from({ length: 8 }, randomHash),
  { ...database[5]!, algo: 'dhash' },
];
const expectedQueryMatches = queries.map((_, i) => i < 9);

let sodium: PrimeOrderGroup;
beforeAll(async () => {
  sodium = await loadRistretto255Sodium();
});

/** A protocol's default configuration with the given values (oprf-membership at a 1e-9 filter rate unless given). */
const config = ({ protocol, ...rest }: { protocol: ProtocolName } & Record<string, unknown>): PsiConfig =>
  defaultPsiConfig(protocol, protocol === 'oprf-membership' ? { falsePositiveRate: 1e-9, ...rest } : rest);

function receivedBytes(t: Transcript): Uint8Array[] {
  return t.events.flatMap((e) => (e.kind === 'received' ? [e.bytes] : []));
}
const contains = (hay: Uint8Array, needle: Uint8Array): boolean => Buffer.from(hay).includes(Buffer.from(needle));

describe('hash input encoding', () => {
  it('is algo || 0 || nbits (BE) || bits, so equal bits of different algorithms differ', () => {
    const h = fromHex('phash', 64, '0123456789abcdef');
    expect(bytesToHex(psiInput(h))).toBe(
      bytesToHex(new TextEncoder().encode('phash')) + '00' + '0040' + '0123456789abcdef',
    );
    expect(bytesToHex(psiInput({ ...h, algo: 'dhash' }))).not.toBe(bytesToHex(psiInput(h)));
    expect(() => psiInput({ algo: 'a\0b', nbits: 8, bits: new Uint8Array(1) })).toThrow();
    expect(() => psiInput({ algo: 'x', nbits: 9, bits: new Uint8Array(1) })).toThrow();
  });
});

describe('Bloom filter', () => {
  it('has no false negatives and about its configured false-positive rate', () => {
    const params = bloomParams(2000, 0.01);
    expect(params.bits / 2000).toBeCloseTo(9.585, 2);
    expect(params.hashes).toBe(7);
    const f = new BloomFilter(params);
    const keys = Array.from({ length: 2000 }, () => randomBytesFrom(rand, 32));
    for (const k of keys) f.add(k);
    expect(keys.every((k) => f.has(k))).toBe(true);
    let fp = 0;
    for (let i = 0; i < 20000; i++) if (f.has(randomBytesFrom(rand, 32))) fp++;
    expect(fp / 20000).toBeGreaterThan(0.005);
    expect(fp / 20000).toBeLessThan(0.02);
    expect(expectedFalsePositiveRate(params, 2000)).toBeCloseTo(0.01, 2);
  });

  // A small filter at a tiny rate, as ball-expansion publishes (21 entries, each photo testing a 257-point ball):
  // double hashing's floor of about n/m² (2.9e-5 per output here) once made one photo in twenty a false match.
  it.each([
    ['32-byte keys (probes from SHAKE128)', 32, 1e-6 / 257],
    ['64-byte keys (probes from the key, k ≤ 16)', 64, 2e-5],
  ])('keeps a small filter at its tiny configured rate: %s', (_name, keyBytes, rate) => {
    const params = bloomParams(21, rate);
    const f = new BloomFilter(params);
    for (let i = 0; i < 21; i++) f.add(randomBytesFrom(rand, keyBytes));
    const queries = 300_000;
    let fp = 0;
    for (let i = 0; i < queries; i++) if (f.has(randomBytesFrom(rand, keyBytes))) fp++;
    // Poisson bound: mean 300k·rate (0.001 and 6); double hashing (h1 + i·h2) gave 40 and 161 here.
    expect(fp).toBeLessThanOrEqual(queries * rate + 4 * Math.sqrt(queries * rate) + 2);
  });
});

describe.each([
  ['ristretto255', 'sodium'],
  ['ristretto255', 'noble'],
  ['p256', 'noble'],
] as const)('protocol runs on %s/%s', (group, backend) => {
  it('oprf-membership: the client learns exactly the database members', async () => {
    const r = await runPsi(config({ protocol: 'oprf-membership', group, backend }), database, queries);
    expect(r.outcome).toEqual({ kind: 'membership', matches: expectedQueryMatches });
    expect(r.accuracy).toMatchObject({
      learner: 'client',
      expected: 9,
      found: 9,
      falsePositives: 0,
      falseNegatives: 0,
    });
    const n = database.length;
    const q = queries.length;
    expect(r.costs.server.setupOps).toMatchObject({ hashToGroup: n, multiply: n });
    expect(r.costs.server.onlineOps).toMatchObject({ hashToGroup: 0, multiply: q, decodeElement: q });
    expect(r.costs.client.onlineOps).toMatchObject({ hashToGroup: q, multiply: 2 * q, invertScalar: q });
    const element = group === 'p256' ? 33 : 32;
    expect(r.costs.bytesPerPhoto).toEqual({ clientToServer: 3 + element, serverToClient: 3 + element });
    expect(r.costs.server.setupBytesSent).toBe(12 + Math.ceil(r.filter!.bits / 8));
    expect(r.filter!.bitsPerEntry).toBeCloseTo(r.filter!.bits / n, 9);
  });

  it('ecdh-psi: either side learns the intersection, or only its size', async () => {
    const truthIndices = database.flatMap((y, i) => (queries.slice(0, 9).includes(y) ? [i] : []));
    const client = await runPsi(config({ protocol: 'ecdh-psi', group, backend, learner: 'client' }), database, queries);
    expect(client.outcome).toEqual({ kind: 'membership', matches: expectedQueryMatches });
    const server = await runPsi(config({ protocol: 'ecdh-psi', group, backend, learner: 'server' }), database, queries);
    expect(server.outcome).toEqual({ kind: 'database-matches', indices: truthIndices });
    expect(server.accuracy).toMatchObject({ expected: 8, found: 8, falsePositives: 0 });
    const card = await runPsi(
      config({ protocol: 'ecdh-psi', group, backend, learner: 'client', cardinalityOnly: true }),
      database,
      queries,
    );
    expect(card.outcome).toEqual({ kind: 'cardinality', count: 9 });
    const cardServer = await runPsi(
      config({ protocol: 'ecdh-psi', group, backend, learner: 'server', cardinalityOnly: true }),
      database,
      queries,
    );
    expect(cardServer.outcome).toEqual({ kind: 'cardinality', count: 8 });
    const n = database.length;
    const q = queries.length;
    expect(client.costs.server.setupOps).toMatchObject({ hashToGroup: n, multiply: n });
    expect(client.costs.client.onlineOps).toMatchObject({ hashToGroup: q, multiply: q + n });
    expect(client.costs.server.onlineOps).toMatchObject({ multiply: q });
  });
});

describe('oprf-membership setup in worker threads', () => {
  it('builds the same filter as one thread, and the run finds the same members', async () => {
    const big = Array.from({ length: 4200 }, randomHash);
    const inputs = big.map(psiInput);
    const key = sodium.randomScalar();
    const params = bloomParams(inputs.length, 1e-6);
    const single = await buildOprfFilter(sodium, key, inputs, params, 1);
    const pooled = await buildOprfFilter(sodium, key, inputs, params, 2);
    expect(Buffer.from(pooled.data).equals(Buffer.from(single.data))).toBe(true);
    const qs = [...big.slice(4090, 4110), ...Array.from({ length: 5 }, randomHash)];
    const r = await runPsi(config({ protocol: 'oprf-membership', falsePositiveRate: 1e-6 }), big, qs, { setupJobs: 2 });
    expect(r.outcome).toEqual({ kind: 'membership', matches: qs.map((_, i) => i < 20) });
    expect(r.costs.server.setupOps).toMatchObject({ hashToGroup: big.length, multiply: big.length });
  }, 30_000);
});

describe('what each party sees', () => {
  it('plaintext: the server receives every hash; oprf and ecdh: no party receives a peer input in the clear', async () => {
    const inputs = queries.map(psiInput);
    const plain = await runPsi(config({ protocol: 'plaintext' }), database, queries);
    expect(plain.outcome).toEqual({ kind: 'membership', matches: expectedQueryMatches });
    expect(inputs.every((x) => receivedBytes(plain.transcripts.server).some((m) => contains(m, x)))).toBe(true);
    for (const protocol of ['oprf-membership', 'ecdh-psi'] as const) {
      const r = await runPsi(config({ protocol }), database, queries);
      const serverSaw = receivedBytes(r.transcripts.server);
      expect(serverSaw.length).toBeGreaterThan(0);
      expect(inputs.some((x) => serverSaw.some((m) => contains(m, x.subarray(-8))))).toBe(false);
      // A stronger oracle than looking for input bytes: the same photos give the server different messages in a
      // second run (fresh blinding), so what it receives is no function of the inputs it could invert or compare.
      const again = new Set(
        receivedBytes((await runPsi(config({ protocol }), database, queries)).transcripts.server).map((m) =>
          Buffer.from(m).toString('hex'),
        ),
      );
      expect(serverSaw.filter((m) => m.length > 16).length).toBeGreaterThan(0);
      expect(serverSaw.filter((m) => m.length > 16 && again.has(Buffer.from(m).toString('hex')))).toEqual([]);
      const dbInputs = database.map(psiInput);
      expect(dbInputs.some((y) => receivedBytes(r.transcripts.client).some((m) => contains(m, y.subarray(-8))))).toBe(
        false,
      );
    }
  });

  it('the server key never appears in the client transcript', () => {
    const key = sodium.randomScalar();
    const server = oprfMembershipServer(sodium, database.map(psiInput), { falsePositiveRate: 1e-6, key });
    const client = oprfMembershipClient(sodium, queries.map(psiInput));
    runParties(client, server, queries.length);
    const stored = JSON.stringify(storeTranscript(client.transcript));
    const keyBytes = sodium.encodeScalar(key);
    expect(stored).not.toContain(bytesToHex(keyBytes));
    expect(stored).not.toContain(Buffer.from(keyBytes).toString('base64'));
    expect(receivedBytes(client.transcript).some((m) => contains(m, keyBytes))).toBe(false);
    expect(server.transcript.events.filter((e) => e.kind === 'received').length).toBe(queries.length);
  });
});

describe('state machines reject what they should not accept', () => {
  const db = database.map(psiInput);
  const qs = queries.map(psiInput);
  const reason = reasonOf;

  it('oprf client: a response before the filter, a second filter, an extra response', () => {
    const server = oprfMembershipServer(sodium, db, { falsePositiveRate: 1e-6 });
    const client = oprfMembershipClient(sodium, qs.slice(0, 1));
    const [filter] = server.prepare();
    const [request] = client.start();
    const [response] = server.receive(request!);
    expect(reason(() => client.receive(response!))).toBe('unexpected-message');
    expect(reason(() => client.receive(filter!))).toBe('accepted');
    expect(reason(() => client.receive(filter!))).toBe('unexpected-message');
    expect(reason(() => client.receive(response!))).toBe('accepted');
    expect(reason(() => client.receive(response!))).toBe('wrong-count');
    expect(reason(() => server.receive(filter!))).toBe('unexpected-message');
    expect(
      reason(() =>
        client.receive(encodeOprfResponse(p256Noble, p256Noble.hashToGroup(new Uint8Array([1]), new Uint8Array([1])))),
      ),
    ).toBe('wrong-group');
  });

  it('ecdh receiver: wrong element count and a shuffle flag against the agreed mode', () => {
    const options = { learner: 'client' as const, cardinalityOnly: false };
    const client = ecdhParty('client', ristretto255Noble, qs.slice(0, 2), options);
    const [sent] = client.start();
    expect(sent!.length).toBe(2 + 5 + 2 * 32);
    const element = ristretto255Noble.encodeElement(
      ristretto255Noble.hashToGroup(new Uint8Array([7]), new Uint8Array([7])),
    );
    expect(reason(() => client.receive(encodeEcdhDoubleBlindedSet(ristretto255Noble, false, [element])))).toBe(
      'wrong-count',
    );
    expect(reason(() => client.receive(encodeEcdhDoubleBlindedSet(ristretto255Noble, true, [element, element])))).toBe(
      'invalid-field',
    );
    const sender = ecdhParty('server', ristretto255Noble, db.slice(0, 2), options);
    expect(reason(() => sender.receive(sent!))).toBe('unexpected-message');
  });
});
