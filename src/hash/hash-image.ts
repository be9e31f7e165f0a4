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

/** Hashes one file with every hasher; a decode or hash failure yields error rows and never throws. */
export async function hashFile(
  file: string,
  hashers: readonly Hasher[],
  options: HashImageOptions = {},
): Promise<HashRow[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readImageFile(file);
  } catch (e) {
    return hashers.map((h) => ({ file, algo: h.id, hash: '', error: messageOf(e) }));
  }
  const decoded = new Map<string, Promise<Image>>();
  const rows: HashRow[] = [];
  for (const hasher of hashers) {
    const decode: DecodeOptions = {
      applyExifOrientation: options.applyExifOrientation ?? hasher.decode.applyExifOrientation ?? false,
      applyIccProfile: options.applyIccProfile ?? hasher.decode.applyIccProfile ?? false,
      flattenAlpha: options.flattenAlpha ?? hasher.decode.flattenAlpha,
      maxPixels: options.maxPixels,
    };
    const key = decodeKey(decode);
    if (!decoded.has(key)) decoded.set(key, decodeImage(bytes, decode));
    try {
      const image = await decoded.get(key)!;
      rows.push(...(await rowsFor(file, image, hasher, options)));
    } catch (e) {
      rows.push({ file, algo: hasher.id, hash: '', error: messageOf(e) });
    }
  }
  return rows;
}
