// Hashing one image file with several algorithms: decode once per decoding rule, then every hasher; failures become rows.
import { decodeImage, readImageFile } from '../image/decode.js';
import type { DecodeOptions, Image } from '../image/types.js';
import { messageOf } from '../util/message.js';
import { toHex } from './bits.js';
import { getHasher } from './registry.js';
import type { Hash, Hasher } from './types.js';

/** One output row: a file hashed by one algorithm (or one dihedral variant, algo `pdq:r90`), or the error that stopped it. */
export interface HashRow {
  readonly file: string;
  readonly algo: string;
  /** Canonical hex; empty when `error` is set. */
  readonly hash: string;
  readonly quality?: number;
  readonly error?: string;
  /** A warning that does not stop the row, e.g. a quality below `minQuality`; the hash is still given. */
  readonly note?: string;
}

export interface HashImageOptions {
  /** Apply EXIF orientation for every algorithm (default: each algorithm's reference behaviour, which ignores it). */
  readonly applyExifOrientation?: boolean;
  /** Apply embedded ICC profiles for every algorithm (default: as the references, which ignore them). */
  readonly applyIccProfile?: boolean;
  /** Composite transparent pixels onto this colour (`rrggbb`) before hashing (default: keep alpha). */
  readonly flattenAlpha?: string;
  readonly maxPixels?: number;
  /** Emit the eight dihedral variants for algorithms that define them (PDQ) instead of the plain hash. */
  readonly dihedral?: boolean;
  /** Mark hashes whose quality (where the algorithm has one) is below this, instead of dropping them. */
  readonly minQuality?: number;
}

/** The note for a hash under the quality gate, or undefined when it passes (or has no quality). */
function qualityNote(quality: number | undefined, minQuality: number | undefined): string | undefined {
  if (quality === undefined || minQuality === undefined || quality >= minQuality) return undefined;
  return `low quality: ${quality} < ${minQuality}${quality === 0 ? ' (flat or nearly flat image)' : ''}`;
}

function row(file: string, algo: string, hash: Hash, minQuality: number | undefined): HashRow {
  if (hash.quality === undefined) return { file, algo, hash: toHex(hash) };
  const note = qualityNote(hash.quality, minQuality);
  return note
    ? { file, algo, hash: toHex(hash), quality: hash.quality, note }
    : { file, algo, hash: toHex(hash), quality: hash.quality };
}

/** Builds the hashers for a list of algorithm specs, once (throws HashError on an unknown spec). */
export function createHashers(specs: readonly string[]): Hasher[] {
  return specs.map((s) => getHasher(s));
}

/** Names a decoding rule, so one decode serves every hasher with the same rule (and the hash cache can key on it). */
export function decodeKey(d: DecodeOptions): string {
  return `${d.applyExifOrientation ? 'exif' : 'raw'}${d.applyIccProfile ? '+icc' : ''}${d.flattenAlpha ? `+flatten-${d.flattenAlpha}` : ''}`;
}

async function rowsFor(file: string, image: Image, hasher: Hasher, options: HashImageOptions): Promise<HashRow[]> {
  if (options.dihedral && hasher.dihedral) {
    const variants = await hasher.dihedral(image);
    return variants.map((v) => row(file, `${hasher.id}:${v.name}`, v.hash, options.minQuality));
  }
  return [row(file, hasher.id, await hasher.hash(image), options.minQuality)];
}

/**
 * A hasher that hashes in batches, in two steps: `prepare` per image, as soon as it is decoded (the neural hasher
 * resizes it to the model's input), then `hashPrepared` once per group (one model batch).
 */
interface BatchHasher extends Hasher {
  prepare(image: Image): Promise<unknown>;
  hashPrepared(prepared: readonly unknown[]): Promise<Hash[]>;
}

export const canBatch = (h: Hasher): h is BatchHasher =>
  typeof (h as Partial<BatchHasher>).hashPrepared === 'function' &&
  typeof (h as Partial<BatchHasher>).prepare === 'function';

/** Runs `task(0 … count − 1)` with at most `limit` running at a time. */
async function forEachLimited(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runner = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, runner));
}

/** One file's bytes, decoded once per decoding rule on demand; or the error that stopped reading it. */
async function openFile(
  file: string,
  options: HashImageOptions,
): Promise<{ readonly error: string } | { readonly image: (hasher: Hasher) => Promise<Image> }> {
  let bytes: Uint8Array;
  try {
    bytes = await readImageFile(file);
  } catch (e) {
    return { error: messageOf(e) };
  }
  const decoded = new Map<string, Promise<Image>>();
  return {
    image: (hasher) => {
      const decode: DecodeOptions = {
        applyExifOrientation: options.applyExifOrientation ?? hasher.decode.applyExifOrientation ?? false,
        applyIccProfile: options.applyIccProfile ?? hasher.decode.applyIccProfile ?? false,
        flattenAlpha: options.flattenAlpha ?? hasher.decode.flattenAlpha,
        maxPixels: options.maxPixels,
      };
      const key = decodeKey(decode);
      const image = decoded.get(key) ?? decodeImage(bytes, decode);
      decoded.set(key, image);
      return image;
    },
  };
}

/** Hashes one file with every hasher; a decode or hash failure yields error rows and never throws. */
export function hashFile(file: string, hashers: readonly Hasher[], options: HashImageOptions = {}): Promise<HashRow[]> {
  return hashFileGroup([file], hashers, options);
}

/**
 * Hashes a group of files with every hasher: the rows `hashFile` gives for each file, in file order. Files are read
 * and decoded `filesInFlight` at a time (sharp decodes in its thread pool); each hasher that can batch (and is not
 * asked for dihedral variants) prepares each image as soon as it is decoded, so the full-size image can go, then
 * hashes the group's prepared images in one `hashPrepared` call. A failed batch is retried image by image, so a bad
 * image yields its own error row.
 */
export async function hashFileGroup(
  files: readonly string[],
  hashers: readonly Hasher[],
  options: HashImageOptions = {},
  filesInFlight = 1,
): Promise<HashRow[]> {
  const errorRow = (file: string, hasher: Hasher, e: unknown): HashRow[] => [
    { file, algo: hasher.id, hash: '', error: messageOf(e) },
  ];
  const batches = (hasher: Hasher): hasher is BatchHasher => canBatch(hasher) && !(options.dihedral && hasher.dihedral);
  // cells[f][k]: the rows of file f and hasher k, filled now or after the batches.
  const cells: HashRow[][][] = files.map(() => hashers.map(() => []));
  // prepared[k][f]: batching hasher k's per-image step for file f, running while other files decode.
  const prepared: (Promise<unknown> | undefined)[][] = hashers.map(() => files.map(() => undefined));
  await forEachLimited(files.length, filesInFlight, async (f) => {
    const file = files[f]!;
    const opened = await openFile(file, options);
    for (const [k, hasher] of hashers.entries()) {
      const cell = cells[f]!;
      if ('error' in opened) {
        cell[k] = errorRow(file, hasher, opened.error);
      } else if (batches(hasher)) {
        const input = opened.image(hasher).then((image) => hasher.prepare(image));
        input.catch(() => undefined); // its failure becomes the file's error row below
        prepared[k]![f] = input;
      } else {
        try {
          cell[k] = await rowsFor(file, await opened.image(hasher), hasher, options);
        } catch (e) {
          cell[k] = errorRow(file, hasher, e);
        }
      }
    }
  });
  for (const [k, hasher] of hashers.entries()) {
    if (!batches(hasher)) continue;
    const ready: { file: number; input: unknown }[] = [];
    for (const [f, input] of prepared[k]!.entries()) {
      if (!input) continue;
      try {
        ready.push({ file: f, input: await input });
      } catch (e) {
        cells[f]![k] = errorRow(files[f]!, hasher, e);
      }
    }
    if (ready.length === 0) continue;
    const place = (r: { file: number }, hash: Hash): void => {
      cells[r.file]![k] = [row(files[r.file]!, hasher.id, hash, options.minQuality)];
    };
    try {
      (await hasher.hashPrepared(ready.map((r) => r.input))).forEach((hash, at) => place(ready[at]!, hash));
    } catch {
      for (const r of ready) {
        try {
          place(r, (await hasher.hashPrepared([r.input]))[0]!);
        } catch (e) {
          cells[r.file]![k] = errorRow(files[r.file]!, hasher, e);
        }
      }
    }
  }
  return cells.flat(2);
}
