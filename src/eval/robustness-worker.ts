// Worker thread for robustness runs: builds hashers and transforms once, then processes the images it is sent.
import { createHashers } from '../hash/hash-image.js';
import { serveWorker } from '../util/worker-serve.js';
import { parseTransform } from '../transform/spec.js';
import { runRobustnessUnit, type RobustnessUnitInput, type RobustnessUnitResult } from './robustness-unit.js';

interface Config {
  readonly algos: readonly string[];
  readonly transforms: readonly string[];
  readonly seed: number;
  readonly flattenAlpha?: string;
}

serveWorker<Config, RobustnessUnitInput, RobustnessUnitResult>((config) => {
  const hashers = createHashers(config.algos);
  const transforms = config.transforms.map(parseTransform);
  return (input) => runRobustnessUnit(input, hashers, transforms, config.seed, config.flattenAlpha);
});
