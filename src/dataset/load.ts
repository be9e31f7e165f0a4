// Opens a dataset from a path: a manifest file, a folder holding `manifest.json`, or a plain folder of images.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadFolderDataset } from './folder.js';
import { loadManifest, ManifestError } from './manifest.js';
import type { Dataset } from './types.js';

/** Loads the dataset at `path`; an empty dataset or a missing path is a ManifestError with a one-line message. */
export async function loadDataset(path: string): Promise<Dataset> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new ManifestError('no such file or folder', path);
  let dataset: Dataset;
  if (info.isFile()) dataset = await loadManifest(path);
  else {
    const manifest = join(path, 'manifest.json');
    dataset = (await stat(manifest).catch(() => null))?.isFile()
      ? await loadManifest(manifest)
      : await loadFolderDataset(path);
  }
  if (dataset.items.length === 0) throw new ManifestError('the dataset holds no images', path);
  // Generated images carry kind "synthetic"; a dataset made only of them is labelled synthetic in every result.
  return { ...dataset, synthetic: dataset.synthetic || dataset.items.every((i) => i.kind === 'synthetic') };
}
