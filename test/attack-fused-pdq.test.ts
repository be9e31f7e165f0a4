// The attack builder's pass fused with PDQ's luminance (the candidate's luma made without its pixels, then PDQ's
// stages on the builder's kernel) against building the 8-bit candidate and hashing it (the oracle): the same 64×64
// floats, DCT, quality and bits for random patterns on random and extreme sources (candidates that clip at 0 and
// 255), grey sources under equal gains (grey luma) and under unequal ones, odd sizes, L∞ bounds, opponent gains; and
// the oracle's pattern queries give the hashes, and charge the queries, of build-then-hash.
import { afterEach, describe, expect, it } from 'vitest';
import { HashOracle } from '../src/attack/oracle.js';
import { GREY_GAINS, LUMA_GAINS, type ChannelGains, type RgbImage } from '../src/attack/pixels.js';
import { CandidateBuilder, type Pattern } from '../src/attack/work-image.js';
import { pdqHashFromDct } from '../src/hash/pdq/bits.js';
import { wasmPdqStages } from '../src/hash/pdq/kernel.js';
import { pdqHashImage } from '../src/hash/pdq/pdq.js';
import { getHasher } from '../src/hash/registry.js';
import { createPrng, type Prng } from '../src/util/prng.js';

afterEach(() => {
  delete process.env.SCANLAB_NO_WASM;
});

type Kind = 'random' | 'extreme' | 'grey' | 'flat';

/** Random pixels; extreme ones mostly 0-2 or 253-255 (most candidates clip); grey ones R = G = B; flat ones constant. */
function source(rng: Prng, width: number, height: number, kind: Kind): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    const v =
      kind === 'flat' ? 128 : kind === 'extreme' ? (rng.nextInt(2) ? 253 : 0) + rng.nextInt(3) : rng.nextInt(256);
    data[i] = v;
    data[i + 1] = kind === 'grey' || kind === 'flat' ? v : rng.nextInt(256);
    data[i + 2] = kind === 'grey' || kind === 'flat' ? v : rng.nextInt(256);
  }
  return { width, height, channels: 3, data };
}

function pattern(rng: Prng): Pattern {
  const gy = 1 + rng.nextInt(16);
  const gx = 1 + rng.nextInt(16);
  const theta = new Float64Array(gy * gx);
  rng.fillNormals(theta);
  return { gy, gx, theta };
}

const GAINS: readonly ChannelGains[] = [GREY_GAINS, LUMA_GAINS, [1, -1, 0], [1, 1, -2]];

describe('the candidate builder fused with PDQ', () => {
  it('gives the floats and bits of building the candidate and hashing it', () => {
    const rng = createPrng(18);
    let fused = 0;
    const sizes = [
      [512, 512],
      [371, 283],
      [130, 77],
      [64, 65],
      [17, 5],
      [5, 9],
    ] as const;
    for (const [width, height] of sizes) {
      for (const kind of ['random', 'extreme', 'grey', 'flat'] as const) {
        const src = source(rng, width, height, kind);
        for (const gains of GAINS) {
          const builder = new CandidateBuilder(
            src,
            gains,
            rng.nextInt(3) === 0 ? 2 + 10 * rng.nextOpenUnit() : undefined,
          );
          const buffer = new Uint8Array(src.data.length);
          const tries = width * height > 100_000 ? 2 : 4;
          for (let k = 0; k < tries; k++) {
            const p = pattern(rng);
            // From barely visible to far past 30 dB: big ones clip everywhere.
            const mse = [2, 60, 900, 6000][k % 4]!;
            const stages = builder.pdqStages(p, mse);
            expect(stages, 'run npm run build:wasm').not.toBeNull();
            const built = builder.build(p, mse, buffer).image;
            const reference = wasmPdqStages(built, true)!;
            const label = `${width}x${height} ${kind} gains ${gains.join(',')} pattern ${p.gy}x${p.gx} mse ${mse}`;
            expect(
              Buffer.from(stages!.downsampled.buffer).equals(Buffer.from(reference.downsampled.buffer)),
              label,
            ).toBe(true);
            expect(Buffer.from(stages!.dct.buffer).equals(Buffer.from(reference.dct.buffer)), label).toBe(true);
            const hash = pdqHashFromDct(stages!.dct, stages!.quality);
            const oracle = pdqHashImage(built);
            expect(Buffer.from(hash.bits).equals(Buffer.from(oracle.bits)), label).toBe(true);
            expect(hash.quality, label).toBe(oracle.quality);
            fused++;
          }
        }
      }
    }
    expect(fused).toBeGreaterThan(300);
  });

  it('leaves to build-then-hash what PDQ resizes or takes as is, and runs nothing without its kernel', () => {
    const rng = createPrng(5);
    // Over 512 on a side (resized), exactly 64 × 64 (taken unfiltered), under 5 (the empty hash).
    for (const { w, h } of [
      { w: 513, h: 40 },
      { w: 64, h: 64 },
      { w: 4, h: 30 },
    ]) {
      const builder = new CandidateBuilder(source(rng, w, h, 'random'), LUMA_GAINS);
      expect(builder.pdqStages(pattern(rng), 50), `${w}x${h}`).toBeNull();
    }
    process.env.SCANLAB_NO_WASM = '1';
    expect(new CandidateBuilder(source(rng, 40, 40, 'random'), LUMA_GAINS).pdqStages(pattern(rng), 50)).toBeNull();
  });

  it("the oracle's pattern queries equal building and hashing, fused or not, each one charged", async () => {
    for (const noWasm of [false, true]) {
      if (noWasm) process.env.SCANLAB_NO_WASM = '1';
      const rng = createPrng(11);
      const src = source(rng, 97, 61, 'random');
      const builder = new CandidateBuilder(src, LUMA_GAINS);
      const buffers = [new Uint8Array(src.data.length), new Uint8Array(src.data.length)];
      for (const algo of ['pdq', 'phash']) {
        const oracle = new HashOracle(getHasher(algo), 10);
        const patterns = [pattern(rng), pattern(rng)];
        const hashes = await oracle.patternHashes(builder, patterns, 80, buffers);
        expect(oracle.queries).toBe(2);
        const hasher = getHasher(algo);
        for (const [i, p] of patterns.entries()) {
          const want = await hasher.hash(builder.build(p, 80).image);
          expect(Buffer.from(hashes[i]!.bits).equals(Buffer.from(want.bits)), `${algo} ${i} noWasm ${noWasm}`).toBe(
            true,
          );
        }
      }
    }
  });
});
