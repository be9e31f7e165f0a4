// The `scanlab/dataset` entry point: folder and manifest datasets, the bundled sample, synthetic datasets,
// fingerprints and cross-group duplicates.
export { loadDataset } from './load.js';
export { loadManifest, parseManifest, ManifestError, type DatasetManifest, type ManifestItem } from './manifest.js';
export { loadSample, samplePath } from './sample.js';
export { generateSyntheticDataset, type SyntheticOptions } from './synthetic.js';
export { datasetFingerprint } from './fingerprint.js';
export { findCrossGroupDuplicates, type DuplicatePair } from './duplicates.js';
export type { Dataset, DatasetItem } from './types.js';
