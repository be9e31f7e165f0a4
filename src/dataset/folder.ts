// A folder as a dataset: each first-level subfolder is a near-duplicate group; a lone file at the top is its own group.
import { basename, relative, sep } from 'node:path';
import { listImageFiles } from '../image/files.js';
import type { Dataset, DatasetItem } from './types.js';

/** Loads every image under `dir` (recursively, sorted); ids are paths relative to `dir` without the extension. */
export async function loadFolderDataset(dir: string): Promise<Dataset> {
  const files = await listImageFiles([dir]);
  const items: DatasetItem[] = files.map((path) => {
    const rel = relative(dir, path);
    const parts = rel.split(sep);
    const id = rel
      .replace(/\.[^./\\]+$/, '')
      .split(sep)
      .join('/');
    return { id, group: parts.length > 1 ? parts[0]! : id, path };
  });
  return { name: basename(dir), source: dir, synthetic: false, items };
}
