import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import sharp from 'sharp';
import { pdqDihedralHistogram } from '../src/eval/dihedral-fpr.js';
import { fromHex } from '../src/hash/bits.js';
import { createHashers, hashFile } from '../src/hash/hash-image.js';
import { hammingBytes } from '../src/hash/hamming.js';
import { createPrng } from '../src/util/prng.js';
import { scratchDir } from './helpers/images.js';

const scratch = scratchDir('eval-dihedral');
const files: string[] = [];

/** A textured random image (blurred noise), so that PDQ has structure to hash. */
function noise(seed: number, w: number, h: number): Buffer {
  const rng = createPrng(seed);
  return Buffer.from(Array.from({ length: w * h * 3 }, () => rng.nextInt(256)));
}

beforeAll(async () => {
  for (let k = 0; k < 3; k++) {
    const f = join(scratch.dir, `img${k}.png`);
    await sharp(noise(k + 1, 48, 32), { raw: { width: 48, height: 32, channels: 3 } })
      .resize(192, 128, { kernel: 'cubic' })
      .blur(2)
      .png()
      .toFile(f);
    files.push(f);
  }
  // A fourth image: the first one turned a quarter turn.
  const rotated = join(scratch.dir, 'img0-r90.png');
  await sharp(files[0]!).rotate(90).png().toFile(rotated);
  files.push(rotated);
});
afterAll(() => scratch.cleanup());

describe('pdq-dihedral FPR row', () => {
  it('takes the smallest distance over the eight variants: a rotated copy in another group is a near match', async () => {
    const items = files.map((path, k) => ({ id: `i${k}`, path, group: k }));
    const h = (await pdqDihedralHistogram(items, 'ffffff', []))!;
    expect(h.hashed).toBe(4);
    expect(h.counts.reduce((s, c) => s + c, 0)).toBe(6);
    // Plain PDQ sees the rotated copy as unrelated; the dihedral row does not.
    const [pdq] = createHashers(['pdq']);
    const plain = async (f: string): Promise<Uint8Array> =>
      fromHex('pdq', 256, (await hashFile(f, [pdq!], { flattenAlpha: 'ffffff' }))[0]!.hash).bits;
    const plainDistance = hammingBytes(await plain(files[0]!), await plain(files[3]!));
    expect(plainDistance).toBeGreaterThan(60);
    const smallest = h.counts.findIndex((c) => c > 0);
    expect(smallest).toBeLessThan(20);
    // Per-image histograms hold every pair twice, and the rotated pair lands in both images' rows.
    const perImage = h.images.images.reduce((s, img) => s + img.counts.reduce((t, c) => t + c, 0), 0);
    expect(perImage).toBe(12);
    // Leaving the pair out as a duplicate removes it.
    const without = (await pdqDihedralHistogram(items, 'ffffff', [[0, 3]]))!;
    expect(without.excluded).toBe(1);
    expect(without.counts.findIndex((c) => c > 0)).toBeGreaterThan(smallest);
  });
});
