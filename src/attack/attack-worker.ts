// Worker thread for attack runs: builds the hashers once, then attacks the source images it is sent.
import { createHashers } from '../hash/hash-image.js';
import { serveWorker } from '../util/worker-serve.js';
import { runAttackUnit, type AttackUnitConfig, type AttackUnitInput, type AttackUnitResult } from './unit.js';

serveWorker<AttackUnitConfig, AttackUnitInput, AttackUnitResult>((config) => {
  const hashers = createHashers(config.algos);
  return (input) => runAttackUnit(input, hashers, config);
});
