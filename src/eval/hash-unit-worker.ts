// Worker thread for the FPR experiment's hashing stage.
import { createHashers } from '../hash/hash-image.js';
import { serveWorker } from '../util/worker-serve.js';
import { hashUnit, type HashUnitInput, type HashUnitResult } from './hash-unit.js';

serveWorker<{ algos: readonly string[]; flattenAlpha?: string }, HashUnitInput, HashUnitResult>((config) => {
  const hashers = createHashers(config.algos);
  return (input) => hashUnit(input, hashers, config.flattenAlpha);
});
