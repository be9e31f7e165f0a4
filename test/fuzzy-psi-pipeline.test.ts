import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getHasher } from '../src/hash/registry.js';
import type { Hash } from '../src/hash/types.js';
import { decodeImage } from '../src/image/decode.js';
import { scanProtocolNames } from '../src/pipeline/protocols/registry.js';
import { DEFAULT_PIPELINE_CONFIG, runPipeline, type PipelinePhoto } from '../src/pipeline/run.js';

const DIR = new URL('../datasets/sample/images/', import.meta.url).pathname;
const names = readdirSync(DIR)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .slice(0, 9);
const photos: PipelinePhoto[] = names.map((name, i) => ({
  name,
  bytes: new Uint8Array(readFileSync(join(DIR, name))),
  account: i % 3,
}));
let hashes: Hash[] = [];
const filler: Hash[] = Array.from({ length: 20 }, (_, i) => ({
  algo: 'pdq',
  nbits: 256,
  bits: Uint8Array.from({ length: 32 }, (_, j) => (i * 31 + j * 7 + 1) & 0xff),
}));

/** `h` with its first `d` bits flipped: a near-duplicate in the database, not the photo's own hash. */
function near(h: Hash, d: number): Hash {
  const bits = h.bits.slice();
  for (let i = 0; i < d; i++) bits[i >>> 3]! ^= 0x80 >>> (i & 7);
  return { ...h, bits };
}

beforeAll(async () => {
  const pdq = getHasher('pdq');
  hashes = [];
  for (const p of photos) hashes.push(await pdq.hash(await decodeImage(p.bytes)));
});

describe('near-duplicate protocols in the pipeline', () => {
  it('registers ball-expansion and chunked-tpsi', () => {
    expect(scanProtocolNames()).toEqual(expect.arrayContaining(['ball-expansion', 'chunked-tpsi']));
  });

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
