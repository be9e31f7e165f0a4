// The robustness experiment: for each image × transform × algorithm, the distance between the original's hash and
// the edited copy's, stored per image so that an interrupted run resumes, then summarised.
import { createHashers } from '../hash/hash-image.js';
import { siblingModule } from '../util/worker-pool.js';
import { DEFAULT_TRANSFORM_SPECS } from '../transform/defaults.js';
import { parseTransform } from '../transform/spec.js';
import { itemsOfShard } from '../util/shard.js';
import { completeRun, prepareRun, storedShard, type ExperimentOptions } from './experiment.js';
import { runItemUnits } from './run-loop.js';
import { runRobustnessUnit, type RobustnessUnitInput, type RobustnessUnitResult } from './robustness-unit.js';
import { summariseRobustness, type RobustnessSummary } from './robustness-summary.js';
import type { Dataset } from '../dataset/types.js';
import type { RunRecord, RunStore } from './store.js';

export interface RobustnessConfig {
  readonly dataset: string;
  readonly algos: readonly string[];
  /** Canonical transform specs, e.g. `jpeg(q=30)`. */
  readonly transforms: readonly string[];
  readonly seed: number;
  readonly retrievalPrecision?: number;
  /**
   * Composite transparent images onto this colour (`rrggbb`) before hashing and editing, or keep alpha (null).
   * Default white: otherwise every edit that drops alpha (JPEG) also reveals the pixels hidden under transparency,
   * which the hashers of the original ignore, and the edit's own effect is confounded with that.
   */
  readonly flattenAlpha?: string | null;
}

export const ROBUSTNESS_TABLE = 'units';

/** Experiments composite transparent images onto white unless told otherwise. */
export const DEFAULT_FLATTEN = 'ffffff';

/** Fills in defaults and canonicalises transform specs (so that equal transforms have equal names). */
export function robustnessConfig(
  c: Partial<RobustnessConfig> & Pick<RobustnessConfig, 'dataset' | 'algos'>,
): RobustnessConfig {
  const transforms = (c.transforms ?? DEFAULT_TRANSFORM_SPECS).map((t) => parseTransform(t).spec);
  createHashers(c.algos);
  return {
    dataset: c.dataset,
    algos: [...c.algos],
    transforms,
    seed: c.seed ?? 1,
    retrievalPrecision: c.retrievalPrecision ?? 0.99,
    flattenAlpha: c.flattenAlpha === undefined ? DEFAULT_FLATTEN : c.flattenAlpha,
  };
}

export async function runRobustness(
  config: RobustnessConfig | undefined,
  options: ExperimentOptions,
): Promise<{ run: RunRecord; summary: RobustnessSummary }> {
  const { run, config: cfg, dataset } = await prepareRun('robustness', config, options);
  const { store } = options;
  return completeRun(store, run.id, async () => {
    const hashers = createHashers(cfg.algos);
    const transforms = cfg.transforms.map(parseTransform);
    const shard = storedShard(store, run.id);
    const inputs: RobustnessUnitInput[] = itemsOfShard(dataset.items, (i) => i.id, shard).map((i) => ({
      id: i.id,
      path: i.path,
    }));
    await runItemUnits<RobustnessUnitInput, RobustnessUnitResult>(options, run.id, {
      table: ROBUSTNESS_TABLE,
      inputs,
      process: (i) => runRobustnessUnit(i, hashers, transforms, cfg.seed, cfg.flattenAlpha ?? undefined),
      worker: {
        module: siblingModule(import.meta.url, 'robustness-worker'),
        data: {
          algos: cfg.algos,
          transforms: cfg.transforms,
          seed: cfg.seed,
          flattenAlpha: cfg.flattenAlpha ?? undefined,
        },
      },
    });
    return { run: store.getRun(run.id), summary: storeRobustnessSummary(store, run.id, cfg, dataset) };
  });
}

/** Summarises a run's stored rows (all of them: a merged run's too) and stores the summary. */
export function storeRobustnessSummary(
  store: RunStore,
  runId: string,
  cfg: RobustnessConfig,
  dataset: Dataset,
): RobustnessSummary {
  const units = store.getResults<RobustnessUnitResult>(runId, ROBUSTNESS_TABLE).map((r) => r.value);
  const groupOf = new Map(dataset.items.map((i) => [i.id, i.group]));
  const summary = summariseRobustness(units, groupOf, cfg.algos, cfg.transforms, cfg.retrievalPrecision);
  store.putArtifact(runId, 'summary', summary);
  return summary;
}
