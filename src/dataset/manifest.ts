// Manifest datasets: a JSON file listing image files with ids, near-duplicate groups and provenance, validated on load.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';

/** One entry of `manifest.json` as written on disk. Only `id` and `file` are required. */
export interface ManifestEntry {
  readonly id: string;
  /** Path of the image, relative to the manifest's folder. */
  readonly file: string;
  /** Near-duplicate group; defaults to the id (an item alone in its group). */
  readonly group?: string;
  /** Label used to split results, e.g. `photo`, `art`, `graphic`. */
  readonly kind?: string;
  readonly source_package?: string;
  readonly source_version?: string;
  readonly original_path?: string;
  /** SPDX licence expression. */
  readonly license?: string;
  readonly width?: number;
  readonly height?: number;
  /** Lowercase hex SHA-256 of the stored file. */
  readonly sha256?: string;
}

/** The whole `manifest.json`. */
export interface DatasetManifest {
  readonly name: string;
  readonly version: number;
  readonly description?: string;
  readonly items: readonly ManifestEntry[];
}

/** A loaded manifest item: the entry plus its absolute `path` and its resolved `group`. */
export interface ManifestItem extends ManifestEntry {
  readonly group: string;
  /** Absolute path of the image file. */
  readonly path: string;
}

/** A loaded manifest dataset. */
export interface ManifestDataset {
  readonly name: string;
  readonly version: number;
  readonly description?: string;
  /** Absolute path of the manifest file it was loaded from. */
  readonly source: string;
  /** Manifest datasets hold real images; generated ones are never loaded from a manifest. */
  readonly synthetic: false;
  readonly items: readonly ManifestItem[];
}

export interface LoadManifestOptions {
  /** Recompute every file's SHA-256 and compare it with the manifest (each item must then carry one). Default false. */
  readonly verifySha256?: boolean;
}

/** A manifest that cannot be used: bad JSON, a missing or mistyped field, a duplicate id, a missing or altered file. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(`${source}: ${message}`);
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const STRING_FIELDS = ['group', 'kind', 'source_package', 'source_version', 'original_path', 'license'] as const;
const SIZE_FIELDS = ['width', 'height'] as const;

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function parseEntry(raw: unknown, index: number, fail: (msg: string) => never): ManifestEntry {
  const where = `items[${index}]`;
  if (!isObject(raw)) fail(`${where} is not an object`);
  if (!isNonEmptyString(raw.id)) fail(`${where}: missing field "id" (a non-empty string)`);
  const at = `${where} (id "${raw.id}")`;
  if (!isNonEmptyString(raw.file)) fail(`${at}: missing field "file" (a non-empty string)`);
  const file = raw.file;
  if (isAbsolute(file) || file.split(/[\\/]/).includes('..'))
    fail(`${at}: file "${file}" must be a path inside the manifest's folder`);
  for (const key of STRING_FIELDS) {
    if (raw[key] !== undefined && !isNonEmptyString(raw[key])) fail(`${at}: field "${key}" must be a non-empty string`);
  }
  for (const key of SIZE_FIELDS) {
    const v = raw[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) > 0))
      fail(`${at}: field "${key}" must be a positive integer`);
  }
  if (raw.sha256 !== undefined && !(typeof raw.sha256 === 'string' && SHA256_HEX.test(raw.sha256))) {
    fail(`${at}: field "sha256" must be 64 lowercase hex digits`);
  }
  return raw as unknown as ManifestEntry;
}

/** Checks the shape of a parsed manifest and returns it typed; throws a ManifestError naming the first problem. */
export function parseManifest(json: unknown, source: string): DatasetManifest {
  const fail = (msg: string): never => {
    throw new ManifestError(msg, source);
  };
  if (!isObject(json)) fail('the manifest is not a JSON object');
  const m = json as JsonObject;
  if (!isNonEmptyString(m.name)) fail('missing field "name" (a non-empty string)');
  if (!(Number.isInteger(m.version) && (m.version as number) >= 1)) fail('missing field "version" (an integer ≥ 1)');
  if (m.description !== undefined && typeof m.description !== 'string') fail('field "description" must be a string');
  if (!Array.isArray(m.items)) fail('missing field "items" (an array)');
  const items = (m.items as unknown[]).map((raw, i) => parseEntry(raw, i, fail));
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id)) fail(`duplicate id "${item.id}"`);
    seen.add(item.id);
  }
  return m as unknown as DatasetManifest;
}

async function sha256OfFile(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/**
 * Loads and validates a manifest: its JSON shape, unique ids, that every file exists inside the manifest's folder, and,
 * when asked, every file's SHA-256. Items come back in manifest order with absolute paths.
 */
export async function loadManifest(manifestPath: string, options: LoadManifestOptions = {}): Promise<ManifestDataset> {
  const source = resolve(manifestPath);
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch {
    throw new ManifestError('cannot read the manifest file', source);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`invalid JSON (${(e as Error).message})`, source);
  }
  const manifest = parseManifest(json, source);
  const root = dirname(source);
  const items: ManifestItem[] = [];
  for (const entry of manifest.items) {
    const path = resolve(root, entry.file);
    if (!path.startsWith(root + sep))
      throw new ManifestError(`item "${entry.id}": file "${entry.file}" is outside the manifest's folder`, source);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw new ManifestError(`item "${entry.id}": file "${entry.file}" does not exist`, source);
    if (options.verifySha256) {
      if (entry.sha256 === undefined) throw new ManifestError(`item "${entry.id}": no sha256 to verify`, source);
      const actual = await sha256OfFile(path);
      if (actual !== entry.sha256)
        throw new ManifestError(
          `item "${entry.id}": sha256 of "${entry.file}" is ${actual}, manifest says ${entry.sha256}`,
          source,
        );
    }
    items.push({ ...entry, group: entry.group ?? entry.id, path });
  }
  return {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    source,
    synthetic: false,
    items,
  };
}
