// Worker thread for `hashFiles`: builds the hashers once, then hashes each group of files it is sent.
import type { WorkerConfig } from './batch.js';
import { createHashers, hashFileGroup, type HashRow } from './hash-image.js';
import { serveWorker } from '../util/worker-serve.js';

serveWorker<WorkerConfig, readonly string[], HashRow[]>((config) => {
  const hashers = createHashers(config.algos);
  return (files) => hashFileGroup(files, hashers, config);
});
