import { beforeAll, describe, expect, it } from 'vitest';
import { fillerHashes, sampleJpegNames, samplePhotos } from './helpers/pipeline-fixture.js';
import { getHasher } from '../src/hash/registry.js';
import type { Hash } from '../src/hash/types.js';
import { decodeImage } from '../src/image/decode.js';
import { scanProtocolNames } from '../src/pipeline/protocols/registry.js';
import { spread } from './helpers/spread-flips.js';
import { DEFAULT_PIPELINE_CONFIG, runPipeline, type PipelinePhoto } from '../src/pipeline/run.js';

const names = sampleJpegNames(9);
const photos: PipelinePhoto[] = samplePhotos(names);
let hashes: Hash[] = [];
const filler = fillerHashes;

/** `h` with its first `d` bits flipped: a near-duplicate in the database, not the photo's own hash. */
function near(h: Hash, d: number): Hash {
  const bits = h.bits.slice();
  for (let i = 0; i < d; i++) bits[i >>> 3]! ^= 0x80 >>> (i & 7);
  return { ...h, bits };
}

const distance = (a: Hash, b: Hash): number =>
  a.bits.reduce((n, v, i) => n + [...(v ^ b.bits[i]!).toString(2)].filter((c) => c === '1').length, 0);

beforeAll(async () => {
  const pdq = getHasher('pdq');
  hashes = [];
  for (const p of photos) hashes.push(await pdq.hash(await decodeImage(p.bytes)));
});

describe('near-duplicate protocols in the pipeline', () => {
  it('registers ball-expansion, chunked and chunked-tpsi', () => {
    expect(scanProtocolNames()).toEqual(expect.arrayContaining(['ball-expansion', 'chunked', 'chunked-tpsi']));
  });

  it('chunked: the device learns exactly plaintext Hamming matching for near-duplicates at 0..r and r+1..r+8', async () => {
    // r = 8, m = 8 (each 32-bit chunk searched within 1 bit). Photos 0–3 have an entry at 0, 3, 6, 8 bits, photos 4–7
    // one at 9, 11, 13, 16 bits (flips spread over the hash, so their chunks still collide and the encrypted distance
    // check decides), photo 8 none.
    const r = 8;
    const planted = [0, 3, 6, 8, 9, 11, 13, 16];
    const database = [...planted.map((d, i) => spread(hashes[i]!, d)), ...filler];
    const result = await runPipeline(
      { ...DEFAULT_PIPELINE_CONFIG, protocol: 'chunked', maxDistance: r, chunks: 8 },
      photos,
      database,
    );
    const plaintext = hashes.map((h) => database.some((y) => distance(h, y) <= r));
    expect(plaintext).toEqual([true, true, true, true, false, false, false, false, false]);
    expect(result.messages.map((m) => m.deviceLearned)).toEqual(plaintext);
    expect(result.messages.map((m) => m.realMatch)).toEqual(plaintext);
    expect(result.reviewer).toEqual([]);
    // The second round went through the relay for every photo with a candidate (all planted ones), and only for them.
    const answered = result.relayRecords.map((rec) => rec.followUps.length);
    expect(answered).toEqual(planted.map(() => 1).concat([0]));
    expect(result.costs.bytesPerPhoto.followUps).toBeGreaterThan(0);
  }, 120_000);

  it('chunked-tpsi with --chunks 16 --min-chunks 8 (k = m − r) misses no near-duplicate of an account at t', async () => {
    // Account 0 holds photos 0, 3, 6, its near-duplicates 8 bits away with the flips spread over the chunks.
    const database = [...[0, 3, 6].map((i) => spread(hashes[i]!, 8)), ...filler];
    const config = { ...DEFAULT_PIPELINE_CONFIG, protocol: 'chunked-tpsi', accountThreshold: 3, syntheticRate: 0 };
    const strict = await runPipeline({ ...config, maxDistance: 8, chunks: 16, minChunks: 8 }, photos, database);
    expect(strict.reviewer.map((r) => r.photo).sort()).toEqual([0, 3, 6].map((i) => names[i]).sort());
    // With k = 16 every chunk must match exactly: 8 spread flips leave too few, and nothing is revealed.
    const exact = await runPipeline({ ...config, maxDistance: 8, chunks: 16, minChunks: 16 }, photos, database);
    expect(exact.reviewer).toEqual([]);
  }, 120_000);

  it('chunked-tpsi reveals the near-duplicates of an account at t, and nothing of an account below t', async () => {
    // Account 0 holds photos 0, 3, 6 (3 = t near-duplicates at 3 bits); account 1 holds photo 1 (1 < t).
    const database = [...[0, 3, 6, 1].map((i) => near(hashes[i]!, 3)), ...filler];
    const result = await runPipeline(
      { ...DEFAULT_PIPELINE_CONFIG, protocol: 'chunked-tpsi', accountThreshold: 3, syntheticRate: 0, maxDistance: 8 },
      photos,
      database,
    );
    expect(result.reviewer.map((r) => r.photo).sort()).toEqual([0, 3, 6].map((i) => names[i]).sort());
  }, 120_000);

  it('ball-expansion: the device learns membership within r, the provider nothing', async () => {
    const result = await runPipeline(
      { ...DEFAULT_PIPELINE_CONFIG, protocol: 'ball-expansion', maxDistance: 1 },
      photos.slice(0, 4),
      [near(hashes[2]!, 1), ...filler],
    );
    expect(result.reviewer).toEqual([]);
    expect(result.messages.map((m) => m.deviceLearned)).toEqual([false, false, true, false]);
  }, 120_000);
});
