// The attack's candidate builder on its WebAssembly kernel against its JavaScript passes (the oracle, and what
// SCANLAB_NO_WASM=1 runs): the same bytes, mean squared error and scale for control-grid patterns and for fields
// with trial terms, on random sizes (odd widths, one-pixel sides, one-point grids), gains, L∞ bounds and budgets
// large enough to clip.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { kernelApplyPattern } from '../src/attack/candidate-kernel.js';
import { applyScaled } from '../src/attack/context.js';
import { axisBasis, GREY_GAINS, LUMA_GAINS, type ChannelGains, type RgbImage } from '../src/attack/pixels.js';
import { CandidateBuilder, SeparableField, type SeparableTerm } from '../src/attack/work-image.js';
import { createPrng, type Prng } from '../src/util/prng.js';
import { wasmPath } from '../src/util/wasm.js';

afterEach(() => {
  delete process.env.SCANLAB_NO_WASM;
});

/** `build` on the kernel, then on the JavaScript passes. */
function both<T>(build: () => T): [T, T] {
  const fast = build();
  process.env.SCANLAB_NO_WASM = '1';
  try {
    return [fast, build()];
  } finally {
    delete process.env.SCANLAB_NO_WASM;
  }
}

/** Random pixels with a quarter of the samples at 0 or 255, so that candidates clip. */
function randomSource(rng: Prng, width: number, height: number): RgbImage {
  const data = Uint8Array.from({ length: width * height * 3 }, () =>
    rng.nextInt(4) === 0 ? 255 * rng.nextInt(2) : rng.nextInt(256),
  );
  return { width, height, channels: 3, data };
}

function randomTerm(rng: Prng, scale: number): SeparableTerm {
  return {
    basis: rng.nextInt(2) === 0 ? 'cosine' : 'tent',
    grid: 1 + rng.nextInt(9),
    u: rng.nextInt(4),
    v: rng.nextInt(4),
    a: scale * rng.nextNormal(),
  };
}

/** Gains with negative entries, as the search's colour-opponent directions use. */
const OPPONENTS: readonly ChannelGains[] = [
  [1, 1, -2],
  [1, -1, 0],
  [-3, 0.5, 1],
];

describe('the candidate builder on WebAssembly', () => {
  it('is built, and runs for a pattern', () => {
    expect(existsSync(wasmPath('candidate')), 'run npm run build:wasm').toBe(true);
    const rng = createPrng(3);
    const source = randomSource(rng, 9, 7);
    const theta = Float64Array.of(1, -2, 3, 4);
    const out = new Uint8Array(source.data.length);
    const mix = { gains: GREY_GAINS, bound: Infinity };
    const sse = kernelApplyPattern(source, theta, 2, axisBasis(7, 2), axisBasis(9, 2), 5, mix, out);
    expect(sse).not.toBeNull();
    let expected = 0;
    for (let i = 0; i < out.length; i++) expected += (out[i]! - source.data[i]!) ** 2;
    expect(sse).toBe(expected);
  });

  it('builds pattern candidates bit-identical to the JavaScript passes on random sizes', () => {
    const rng = createPrng(18);
    for (let k = 0; k < 120; k++) {
      const width = 1 + rng.nextInt(k < 100 ? 40 : 300);
      const height = 1 + rng.nextInt(k < 100 ? 40 : 60);
      const source = randomSource(rng, width, height);
      // Grey, luma, and signed gains (the search's opponent colour directions push channels apart).
      const signed: ChannelGains = [rng.nextNormal(), rng.nextNormal(), rng.nextNormal()];
      const gains = [GREY_GAINS, LUMA_GAINS, signed][k % 3]!;
      // Bounds: none, finite, zero, and NaN (the JavaScript passes' answer then, whatever it is).
      const maxLinf = [undefined, undefined, 1 + rng.nextInt(30), 0, NaN][k % 5];
      const builder = new CandidateBuilder(source, gains, maxLinf);
      const gy = 1 + rng.nextInt(17);
      const gx = 1 + rng.nextInt(17);
      const theta = new Float64Array(gy * gx);
      rng.fillNormals(theta);
      const mse = [0.5, 30, 400, 4000][rng.nextInt(4)]!;
      const [fast, slow] = both(() => builder.build({ gy, gx, theta }, mse));
      const what = `${width}x${height}, grid ${gy}x${gx}, gains ${gains.join('/')}, L∞ ${maxLinf}, mse ${mse}`;
      expect(Buffer.from(fast.image.data).equals(Buffer.from(slow.image.data)), what).toBe(true);
      expect(fast.mse, what).toBe(slow.mse);
      expect(fast.scale, what).toBe(slow.scale);
    }
  });

  it('keeps every channel within the L∞ bound for gains of either sign (opponent colours), on both paths', () => {
    const rng = createPrng(29);
    for (let k = 0; k < 40; k++) {
      const source = randomSource(rng, 1 + rng.nextInt(40), 1 + rng.nextInt(40));
      const signed: ChannelGains = [rng.nextNormal(), rng.nextNormal(), rng.nextNormal()];
      const gains = OPPONENTS[k % 4] ?? signed;
      const maxLinf = 1 + rng.nextInt(20);
      const builder = new CandidateBuilder(source, gains, maxLinf);
      const theta = new Float64Array(16);
      rng.fillNormals(theta);
      // A budget far above the bound, so the clamp decides.
      for (const built of both(() => builder.build({ gy: 4, gx: 4, theta }, 4000))) {
        let worst = 0;
        for (let i = 0; i < source.data.length; i++)
          worst = Math.max(worst, Math.abs(built.image.data[i]! - source.data[i]!));
        expect(worst, `gains ${gains.join('/')}, L∞ ${maxLinf}`).toBeLessThanOrEqual(maxLinf);
      }
      const delta = Float32Array.from({ length: source.width * source.height }, () => 100 * rng.nextNormal());
      const { image } = applyScaled(source, delta, 1, maxLinf, gains);
      for (let i = 0; i < source.data.length; i++)
        expect(Math.abs(image.data[i]! - source.data[i]!)).toBeLessThanOrEqual(maxLinf);
    }
  });

  it('builds field candidates (field plus trial terms) bit-identical to the JavaScript passes', () => {
    const rng = createPrng(81);
    for (let k = 0; k < 80; k++) {
      const width = 1 + rng.nextInt(50);
      const height = 1 + rng.nextInt(50);
      const source = randomSource(rng, width, height);
      const signed: ChannelGains = [rng.nextNormal(), rng.nextNormal(), rng.nextNormal()];
      const gains = [GREY_GAINS, LUMA_GAINS, signed][k % 3]!;
      const maxLinf = rng.nextInt(3) === 0 ? 1 + rng.nextInt(30) : undefined;
      const builder = new CandidateBuilder(source, gains, maxLinf);
      const field = new SeparableField(width, height);
      for (let t = rng.nextInt(4); t > 0; t--) field.add(randomTerm(rng, 20));
      const trials = Array.from({ length: rng.nextInt(3) }, () => randomTerm(rng, 40));
      const buffer = new Uint8Array(source.data.length);
      const [fast, slow] = both(() => {
        const c = builder.buildField(field, trials, buffer);
        return { data: Buffer.from(c.image.data), mse: c.mse };
      });
      const what = `${width}x${height}, ${field.terms.length} terms + ${trials.length} trials, L∞ ${maxLinf}`;
      expect(fast.data.equals(slow.data), what).toBe(true);
      expect(fast.mse, what).toBe(slow.mse);
    }
  });

  it('keeps each source apart when two builders take turns on the kernel', () => {
    const rng = createPrng(5);
    const a = new CandidateBuilder(randomSource(rng, 33, 21), LUMA_GAINS);
    const b = new CandidateBuilder(randomSource(rng, 64, 48), LUMA_GAINS);
    const theta = new Float64Array(16);
    rng.fillNormals(theta);
    const p = { gy: 4, gx: 4, theta };
    const [fast, slow] = both(() => [a, b, a, b].map((builder) => Buffer.from(builder.build(p, 100).image.data)));
    fast.forEach((data, i) => expect(data.equals(slow[i]!), `call ${i}`).toBe(true));
  });
});
