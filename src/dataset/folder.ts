// A folder as a dataset: each first-level subfolder is a near-duplicate group; a lone file at the top is its own group.
import { basename, relative, sep } from 'node:path';
import { walkImages } from '../image/files.js';
import { ManifestError } from './manifest.js';
import type { Dataset, DatasetItem } from './types.js';

/** The item of a file (or of an unreadable entry) at `path` under `dir`. */
function itemOf(dir: string, path: string): DatasetItem {
  const parts = relative(dir, path).split(sep);
  const id = parts.join('/');
  return { id, group: parts.length > 1 ? parts[0]! : id, path };
}

/**
 * Loads every image under `dir` (recursively, sorted, following symbolic links). An item's id is its path relative
 * to `dir` with `/` separators, extension included, so `a.jpg` and `a.png` are two items, never one. An entry that
 * cannot be read (a folder without permission, a broken link) is kept as an item too, so that every command counts
 * it, and fails as an item when hashed.
 */
export async function loadFolderDataset(dir: string): Promise<Dataset> {
  const { files, unreadable } = await walkImages([dir]);
  const root = unreadable.find((u) => relative(dir, u.path) === '');
  if (root) throw new ManifestError(root.error, dir);
  const items = [...files.map((path) => itemOf(dir, path)), ...unreadable.map((u) => itemOf(dir, u.path))].sort(
    (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return { name: basename(dir), source: dir, synthetic: false, items };
}
