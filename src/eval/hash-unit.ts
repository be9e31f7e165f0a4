// Hashing one dataset item with every algorithm, for the FPR experiment (cached by file content in the store).
import type { Hasher } from '../hash/types.js';
import { hashFile } from '../hash/hash-image.js';

export interface HashUnitInput {
  readonly id: string;
  readonly path: string;
}

/** Per algorithm the hex hash and quality, or the error that stopped it. */
export type HashUnitResult = Record<
  string,
  { readonly hash?: string; readonly quality?: number; readonly error?: string }
>;

export async function hashUnit(
  input: HashUnitInput,
  hashers: readonly Hasher[],
  flattenAlpha?: string,
): Promise<HashUnitResult> {
  const rows = await hashFile(input.path, hashers, { flattenAlpha });
  return Object.fromEntries(
    rows.map((r) => [
      r.algo,
      r.error ? { error: r.error } : { hash: r.hash, ...(r.quality === undefined ? {} : { quality: r.quality }) },
    ]),
  );
}
