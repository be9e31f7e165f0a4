// The evaluation sample bundled with scanlab (datasets/sample): where it lives and how to load it.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifest, type LoadManifestOptions, type ManifestDataset } from './manifest.js';

/**
 * Absolute path of the bundled `datasets/sample` folder. This module sits two levels below the package root both as
 * source (`src/dataset/sample.ts`, under tsx or vitest) and compiled (`dist/dataset/sample.js`).
 */
export function samplePath(): string {
  const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return join(packageRoot, 'datasets', 'sample');
}

/** Loads the bundled sample's manifest (see `loadManifest` for the checks made). */
export function loadSample(options: LoadManifestOptions = {}): Promise<ManifestDataset> {
  return loadManifest(join(samplePath(), 'manifest.json'), options);
}
