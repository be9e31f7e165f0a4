// One unit of a robustness run: an image, hashed as is and after every transform, with the distances per algorithm.
import { toHex } from '../hash/bits.js';
import { hamming } from '../hash/hamming.js';
import type { Hash, Hasher } from '../hash/types.js';
import { decodeImage } from '../image/decode.js';
import type { Image } from '../image/types.js';
import { messageOf } from '../util/message.js';
import { deriveSeed } from '../util/prng.js';
import type { Transform } from '../transform/types.js';

export interface RobustnessUnitInput {
  readonly id: string;
  readonly path: string;
}

/** The result of one transform of one image: per algorithm the edited copy's hash and its distance to the original's. */
export interface VariantResult {
  readonly transform: string;
  readonly hashes?: Record<string, { readonly hash: string; readonly distance: number }>;
  readonly error?: string;
}

export interface RobustnessUnitResult {
  readonly id: string;
  readonly original?: Record<string, string>;
  readonly variants: readonly VariantResult[];
  readonly error?: string;
}

async function hashAll(image: Image, hashers: readonly Hasher[]): Promise<Hash[]> {
  const out: Hash[] = [];
  for (const h of hashers) out.push(await h.hash(image));
  return out;
}

/** Seeds each (image, transform) pair independently of the order in which units run. */
export function unitSeed(runSeed: number, itemId: string, transform: string): number {
  return deriveSeed(runSeed, itemId, transform);
}

export async function runRobustnessUnit(
  input: RobustnessUnitInput,
  hashers: readonly Hasher[],
  transforms: readonly Transform[],
  seed: number,
  flattenAlpha?: string,
): Promise<RobustnessUnitResult> {
  let image: Image;
  let originals: Hash[];
  try {
    image = await decodeImage(input.path, { flattenAlpha });
    originals = await hashAll(image, hashers);
  } catch (e) {
    return { id: input.id, variants: [], error: messageOf(e) };
  }
  const variants: VariantResult[] = [];
  for (const t of transforms) {
    try {
      const edited = await t.apply(image, unitSeed(seed, input.id, t.spec));
      const hashes = await hashAll(edited, hashers);
      variants.push({
        transform: t.spec,
        hashes: Object.fromEntries(
          hashers.map((h, k) => [h.id, { hash: toHex(hashes[k]!), distance: hamming(originals[k]!, hashes[k]!) }]),
        ),
      });
    } catch (e) {
      variants.push({ transform: t.spec, error: messageOf(e) });
    }
  }
  return { id: input.id, original: Object.fromEntries(hashers.map((h, k) => [h.id, toHex(originals[k]!)])), variants };
}
