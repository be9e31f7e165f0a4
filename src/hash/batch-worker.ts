// Worker thread for `hashFiles`: builds the hashers once, then hashes each file it is sent.
import type { WorkerConfig } from './batch.js';
import { createHashers, hashFile, type HashRow } from './hash-image.js';
import { serveWorker } from '../util/worker-serve.js';

serveWorker<WorkerConfig, string, HashRow[]>((config) => {
  const hashers = createHashers(config.algos);
  return (file) => hashFile(file, hashers, config);
});
