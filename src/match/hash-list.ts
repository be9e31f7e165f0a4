// A hash list: the hashes of one algorithm packed together, with optional ids and metadata columns beside them.
import type { Hash } from '../hash/types.js';
import { MatchError } from './errors.js';
import { packHashes, unpackHash, type PackedHashes } from './packed.js';
import { StringColumn } from './string-column.js';

/** A named metadata column (e.g. `label`), one value per entry. */
export interface MetadataColumn {
  readonly name: string;
  readonly values: StringColumn;
}

export interface HashList {
  readonly algo: string;
  readonly hashes: PackedHashes;
  /** Entry ids; null when the list had none, and entries are then named by their 0-based position. */
  readonly ids: StringColumn | null;
  readonly columns: readonly MetadataColumn[];
}

/** The id of entry i: its id column value, or its position. */
export function entryId(list: HashList, i: number): string {
  return list.ids ? list.ids.get(i) : String(i);
}

/** Entry i's hash. */
export function entryHash(list: HashList, i: number): Hash {
  return unpackHash(list.hashes, list.algo, i);
}

/** The metadata of entry i as name → value. */
export function entryMetadata(list: HashList, i: number): Record<string, string> {
  return Object.fromEntries(list.columns.map((c) => [c.name, c.values.get(i)]));
}

/** A list from hashes of one algorithm and length (mixed ones are a MatchError), with optional ids. */
export function hashListFromHashes(hashes: readonly Hash[], ids?: readonly string[], shared = false): HashList {
  if (ids && ids.length !== hashes.length)
    throw new MatchError('argument', `${ids.length} ids for ${hashes.length} hashes`);
  const { algo, ...packed } = packHashes(hashes, shared);
  return { algo, hashes: packed, ids: ids ? StringColumn.from(ids) : null, columns: [] };
}
