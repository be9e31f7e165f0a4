import { describe, it, expect } from 'vitest';
import { bytesToHex } from '@noble/curves/utils.js';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import { p256Noble, ristretto255Noble } from '../src/psi/group/noble.js';
import { loadRistretto255Sodium } from '../src/psi/group/sodium.js';
import { CUCKOO_SEED_BYTES, buildCuckooTable } from '../src/psi/protocols/tpsi-ad/cuckoo.js';
import { tpsiDst, tpsiHashToGroupDst } from '../src/psi/protocols/tpsi-ad/outer-layer.js';
import { DEFAULT_TPSI_PARAMS } from '../src/psi/protocols/tpsi-ad/params.js';
import { setupTpsiServer, setupTpsiServerInWorkers } from '../src/psi/protocols/tpsi-ad/server-setup.js';
import { encodeTpsiPublicData } from '../src/psi/wire.js';
import { defaultPsiConfig } from '../src/psi/protocols/registry.js';
import { groupWithRandom, runRandomness } from '../src/psi/random.js';
import { runPsi } from '../src/psi/run.js';
import type { Transcript } from '../src/psi/transcript.js';
import type { Hash } from '../src/hash/types.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';

const next = createPrng(21);
const unique = Array.from({ length: 250 }, () => randomBytesFrom(next, 38));
// Repeats must be dropped the same way by both paths.
const database = [...unique, ...unique.slice(0, 20)];

const backends: [string, () => Promise<PrimeOrderGroup>][] = [
  ['ristretto255/sodium', loadRistretto255Sodium],
  ['ristretto255/noble', async () => ristretto255Noble],
  ['p256/noble', async () => p256Noble],
];

/** The table as the protocol defines it, slot by slot in one loop: the oracle both setups must reproduce. */
function referenceTable(group: PrimeOrderGroup, seed: number): Uint8Array {
  const random = runRandomness(seed, true);
  const table = buildCuckooTable(unique, DEFAULT_TPSI_PARAMS.cuckooEpsilon, {
    nextSeed: () => random.simulation.bytes(CUCKOO_SEED_BYTES),
  });
  const alpha = groupWithRandom(group, random.secret).randomScalar();
  const out = new Uint8Array(table.size * group.elementBytes);
  table.slots.forEach((entry, w) => {
    const element =
      entry >= 0
        ? group.multiply(alpha, group.hashToGroup(unique[entry]!, tpsiHashToGroupDst(group)))
        : group.hashToGroup(random.simulation.bytes(32), tpsiDst('fill-', group));
    out.set(group.encodeElement(element), w * group.elementBytes);
  });
  return out;
}

describe('tpsi-ad server setup across worker threads', () => {
  for (const [name, load] of backends)
    it(`publishes the same bytes as the one-thread setup for the same seed (${name})`, async () => {
      const group = await load();
      const single = setupTpsiServer(group, database, DEFAULT_TPSI_PARAMS, { random: runRandomness(7, true) });
      const progress: number[] = [];
      const parallel = await setupTpsiServerInWorkers(group, database, DEFAULT_TPSI_PARAMS, {
        random: runRandomness(7, true),
        jobs: 2,
        unitSize: 64,
        progress: (done) => progress.push(done),
      });
      const published = bytesToHex(encodeTpsiPublicData(group, parallel.publicData));
      expect(published).toBe(bytesToHex(encodeTpsiPublicData(group, single.publicData)));
      expect(parallel.distinctEntries).toBe(unique.length);
      expect(progress.at(-1)).toBe(parallel.table.size);
      expect(bytesToHex(parallel.publicData.table)).toBe(bytesToHex(referenceTable(group, 7)));
    }, 120_000);
});

describe('a failing parallel setup', () => {
  it('reports the cuckoo build failing while the workers hold entries, and leaves no rejection unhandled', async () => {
    const group = await loadRistretto255Sodium();
    const unhandled: unknown[] = [];
    const record = (e: unknown): number => unhandled.push(e);
    process.on('unhandledRejection', record);
    try {
      await expect(
        setupTpsiServerInWorkers(
          group,
          database,
          { ...DEFAULT_TPSI_PARAMS, cuckooEpsilon: 0.3 },
          {
            random: runRandomness(7, true),
            jobs: 2,
            unitSize: 16,
            cuckoo: { maxBuilds: 2 },
          },
        ),
      ).rejects.toThrow(/needs a load below 1\/2/);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  }, 120_000);
});

describe('a tpsi-ad run with setup jobs', () => {
  it('publishes and reveals exactly what the one-thread run does for the same seed and deterministic keys', async () => {
    // Over 2,048 slots, so the table is split into chunks and the workers really run.
    const hashes: Hash[] = Array.from({ length: 2000 }, () => ({
      algo: 'pdq',
      nbits: 256,
      bits: randomBytesFrom(next, 32),
    }));
    const queries = [...hashes.slice(0, 40), ...hashes.slice(1000, 1005).map((h) => ({ ...h, algo: 'x' }))];
    const config = defaultPsiConfig('tpsi-ad', {
      group: 'ristretto255',
      backend: 'sodium',
      seed: 11,
      deterministicKeys: true,
      tpsi: { ...DEFAULT_TPSI_PARAMS, threshold: 5 },
    });
    const one = await runPsi(config, hashes, queries, { setupJobs: 1 });
    const two = await runPsi(config, hashes, queries, { setupJobs: 2 });
    const messages = (t: Transcript): string[] =>
      t.events.flatMap((e) => (e.kind === 'received' ? [bytesToHex(e.bytes)] : []));
    expect(messages(two.transcripts.client)).toEqual(messages(one.transcripts.client));
    expect(messages(two.transcripts.server)).toEqual(messages(one.transcripts.server));
    expect(two.outcome).toEqual(one.outcome);
    expect(two.costs.server.setupOps).toEqual(one.costs.server.setupOps);
    expect(two.accuracy.found).toBeGreaterThan(0);
  }, 120_000);
});
