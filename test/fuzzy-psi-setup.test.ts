import { bytesToHex } from '@noble/curves/utils.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Hash } from '../src/hash/types.js';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import { loadRistretto255Sodium } from '../src/psi/group/sodium.js';
import { psiInput } from '../src/psi/hash-input.js';
import { DEFAULT_FUZZY_PARAMS, type FuzzyParams } from '../src/psi/protocols/fuzzy/params.js';
import { createFuzzyParties, type FuzzyProtocolName } from '../src/psi/protocols/fuzzy/session.js';
import { defaultPsiConfig } from '../src/psi/protocols/registry.js';
import { DEFAULT_TPSI_PARAMS } from '../src/psi/protocols/tpsi-ad/params.js';
import { groupWithRandom, runRandomness } from '../src/psi/random.js';
import { runPsi } from '../src/psi/run.js';
import type { Transcript } from '../src/psi/transcript.js';
import { spread } from './helpers/spread-flips.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';

let group: PrimeOrderGroup;
beforeAll(async () => {
  group = await loadRistretto255Sodium();
});

const next = createPrng(0x19);
const randomHashes = (n: number, algo: string, nbits: number): Hash[] =>
  Array.from({ length: n }, () => ({ algo, nbits, bits: randomBytesFrom(next, nbits / 8) }));

const received = (t: Transcript): string[] =>
  t.events.flatMap((e) => (e.kind === 'received' ? [`${e.type}:${bytesToHex(e.bytes)}`] : []));

// Small instances of each variant: ball-expansion on 24-bit hashes, the chunked ones on pHash-sized hashes.
const cases: [FuzzyProtocolName, string, number, FuzzyParams][] = [
  ['ball-expansion', 'test24', 24, { ...DEFAULT_FUZZY_PARAMS, maxDistance: 1 }],
  ['chunked', 'phash', 64, { ...DEFAULT_FUZZY_PARAMS, maxDistance: 8, chunks: 8 }],
  ['chunked-tpsi', 'phash', 64, { ...DEFAULT_FUZZY_PARAMS, maxDistance: 8, chunks: 8, minChunks: 2 }],
];

describe('near-duplicate runs with --deterministic-keys', () => {
  for (const [protocol, algo, nbits, fuzzy] of cases)
    it(`${protocol}: the same seed gives the same messages both ways; without deterministic keys they differ`, async () => {
      const database = randomHashes(30, algo, nbits);
      const queries = [spread(database[0]!, 0), spread(database[1]!, 1), ...randomHashes(2, algo, nbits)];
      const run = (deterministicKeys: boolean) =>
        runPsi(
          defaultPsiConfig(protocol, {
            seed: 5,
            deterministicKeys,
            fuzzy,
            ...(protocol === 'chunked-tpsi'
              ? { tpsi: { ...DEFAULT_TPSI_PARAMS, threshold: 1, syntheticRate: 0.3 }, accounts: 2 }
              : {}),
          }),
          database,
          queries,
        );
      const [a, b, c] = [await run(true), await run(true), await run(false)];
      expect(received(b.transcripts.client)).toEqual(received(a.transcripts.client));
      expect(received(b.transcripts.server)).toEqual(received(a.transcripts.server));
      expect(b.outcome).toEqual(a.outcome);
      expect(received(c.transcripts.server)).not.toEqual(received(a.transcripts.server));
      expect(a.accuracy.truePositives ?? a.accuracy.found).toBeGreaterThan(0);
    }, 60_000);
});

describe('near-duplicate server setup across worker threads', () => {
  // Enough entries that the work is split: chunked evaluates 8 × 600 chunk values (two chunks of 4,096 inputs), and
  // chunked-tpsi's table of 8 × 300 chunk values has more than 2,048 slots.
  const setups: [FuzzyProtocolName, number, number, FuzzyParams][] = [
    ['ball-expansion', 24, 500, { ...DEFAULT_FUZZY_PARAMS, maxDistance: 1 }],
    ['chunked', 256, 600, { ...DEFAULT_FUZZY_PARAMS, maxDistance: 8, chunks: 8 }],
    ['chunked-tpsi', 256, 300, { ...DEFAULT_FUZZY_PARAMS, maxDistance: 8, chunks: 8, minChunks: 2 }],
  ];
  for (const [protocol, nbits, size, fuzzy] of setups)
    it(`${protocol}: publishes the same bytes with the same group operations as the one-thread setup`, async () => {
      const db = randomHashes(size, `h${nbits}`, nbits).map(psiInput);
      const serverOf = () => {
        const random = runRandomness(9, true);
        return createFuzzyParties(protocol, groupWithRandom(group, random.secret), db, db.slice(0, 1), {
          fuzzy,
          falsePositiveRate: 1e-6,
          tpsi: DEFAULT_TPSI_PARAMS,
          accounts: 1,
          random,
        }).server;
      };
      const single = serverOf();
      const one = single.prepare();
      const parallel = serverOf();
      await parallel.setupInWorkers(2);
      const two = parallel.prepare();
      expect(two.map(bytesToHex)).toEqual(one.map(bytesToHex));
      expect(parallel.ops).toEqual(single.ops);
    }, 120_000);

  it('a chunked run with setup jobs answers exactly as the one-thread run for the same seed', async () => {
    const database = randomHashes(40, 'phash', 64);
    const queries = [spread(database[3]!, 8), spread(database[4]!, 9), ...randomHashes(2, 'phash', 64)];
    const config = defaultPsiConfig('chunked', {
      seed: 3,
      deterministicKeys: true,
      fuzzy: { ...DEFAULT_FUZZY_PARAMS, maxDistance: 8, chunks: 8 },
    });
    const one = await runPsi(config, database, queries, { setupJobs: 1 });
    const two = await runPsi(config, database, queries, { setupJobs: 2 });
    expect(received(two.transcripts.client)).toEqual(received(one.transcripts.client));
    expect(received(two.transcripts.server)).toEqual(received(one.transcripts.server));
    expect(two.costs.server.setupOps).toEqual(one.costs.server.setupOps);
    expect(two.outcome).toEqual({ kind: 'membership', matches: [true, false, false, false] });
  }, 120_000);
});
