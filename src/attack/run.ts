// `scanlab attack evade|collide` as a library call: a stored, resumable run whose units are the source images
// (sharded by item id), with every adversarial image written to the output folder and a summary artifact.
import { resolve } from 'node:path';
import { completeRun, prepareRun, storedShard, type ExperimentOptions } from '../eval/experiment.js';
import type { RunRecord } from '../eval/store.js';
import { runItemUnits } from '../eval/run-loop.js';
import { thresholdFor } from '../eval/thresholds.js';
import { createHashers } from '../hash/hash-image.js';
import { itemsOfShard } from '../util/shard.js';
import { siblingModule } from '../util/worker-pool.js';
import { AttackError, supportsMode, type AttackMode, type BlackBoxMethod } from './attack-image.js';
import { writeContactSheet } from './contact-sheet.js';
import { summariseAttack, type AttackSummary } from './summary.js';
import { loadTargets, targetFor } from './targets.js';
import { runAttackUnit, type AttackUnitConfig, type AttackUnitInput, type AttackUnitResult } from './unit.js';

export const ATTACK_TABLE = 'attacks';
/** The run artifact holding the contact sheet (a `ContactSheet`) for reports. */
export const CONTACT_SHEET_ARTIFACT = 'contact-sheet';

export interface AttackRunConfig {
  readonly kind: 'evade' | 'collide';
  /** The source images. */
  readonly dataset: string;
  /** Collisions: a dataset of target images or a CSV of target hashes. */
  readonly targets?: string;
  readonly algos: readonly string[];
  readonly thresholds: Readonly<Record<string, number>>;
  readonly mode: AttackMode;
  readonly method: BlackBoxMethod;
  readonly minPsnr: number;
  readonly maxLinf?: number;
  readonly maxQueries: number;
  readonly seed: number;
  readonly out: string;
  /** Attack only the first N source images (after sharding). */
  readonly limit?: number;
  /**
   * White-box collisions that must hold under every algorithm of the run at once (the attacker who knows that the
   * defence asks two hashes to agree): one least-change problem over all their linear parts.
   */
  readonly joint?: boolean;
}

/** Fills defaults (τ per algorithm, PSNR 30 dB for evasion, none for collisions, 10,000 queries) and checks the request. */
export function attackConfig(
  c: Partial<AttackRunConfig> & Pick<AttackRunConfig, 'kind' | 'dataset' | 'algos' | 'out'>,
): AttackRunConfig {
  const hashers = createHashers(c.algos);
  const mode = c.mode ?? (c.kind === 'collide' ? 'whitebox' : 'blackbox');
  for (const h of hashers)
    if (!supportsMode(h, mode)) throw new AttackError(`${h.id} has no white-box form in scanlab; use --mode blackbox`);
  if (c.kind === 'collide' && !c.targets) throw new AttackError('a collision attack needs targets (--targets)');
  if (c.joint && (c.kind !== 'collide' || mode !== 'whitebox'))
    throw new AttackError('joint attacks are white-box collisions (attack collide --mode whitebox --joint)');
  const minPsnr = c.minPsnr ?? (c.kind === 'evade' ? 30 : 0);
  const maxQueries = c.maxQueries ?? 10_000;
  if (!(minPsnr >= 0 && minPsnr < 100))
    throw new AttackError(`the minimum PSNR must be in [0, 100) dB, not ${minPsnr}`);
  if (!Number.isInteger(maxQueries) || maxQueries < 2)
    throw new AttackError(`the query budget must be an integer of at least 2, not ${maxQueries}`);
  if (c.maxLinf !== undefined && !(c.maxLinf >= 1 && c.maxLinf <= 255))
    throw new AttackError(`the L∞ bound must be in [1, 255], not ${c.maxLinf}`);
  const thresholds = Object.fromEntries(c.algos.map((a) => [a, thresholdFor(a, { ...c.thresholds })]));
  return {
    kind: c.kind,
    dataset: c.dataset,
    ...(c.targets === undefined ? {} : { targets: resolve(c.targets) }),
    algos: [...c.algos],
    thresholds,
    mode,
    method: c.method ?? 'search',
    minPsnr,
    ...(c.maxLinf === undefined ? {} : { maxLinf: c.maxLinf }),
    maxQueries,
    seed: c.seed ?? 1,
    out: resolve(c.out),
    ...(c.limit === undefined ? {} : { limit: c.limit }),
    ...(c.joint ? { joint: true } : {}),
  };
}

export function unitConfig(cfg: AttackRunConfig): AttackUnitConfig {
  return {
    kind: cfg.kind,
    algos: cfg.algos,
    thresholds: cfg.thresholds,
    mode: cfg.mode,
    method: cfg.method,
    limits: {
      minPsnr: cfg.minPsnr,
      maxQueries: cfg.maxQueries,
      ...(cfg.maxLinf === undefined ? {} : { maxLinf: cfg.maxLinf }),
    },
    seed: cfg.seed,
    out: cfg.out,
    ...(cfg.joint ? { joint: true } : {}),
  };
}

/** Runs (or resumes) an attack run: kind `attack-evade` or `attack-collide` in the store. */
export async function runAttack(
  config: AttackRunConfig | undefined,
  options: ExperimentOptions,
): Promise<{ run: RunRecord; summary: AttackSummary }> {
  const kind = config ? `attack-${config.kind}` : options.resume ? options.store.getRun(options.resume).kind : '';
  const { run, config: cfg, dataset } = await prepareRun(kind, config, options);
  const { store } = options;
  return completeRun(store, run.id, async () => {
    const hashers = createHashers(cfg.algos);
    const pool = cfg.targets ? await loadTargets(cfg.targets) : undefined;
    const items = itemsOfShard(dataset.items, (i) => i.id, storedShard(store, run.id)).slice(0, cfg.limit);
    const inputs: AttackUnitInput[] = items.map((i) => {
      const target = pool ? targetFor(i, pool, cfg.seed) : undefined;
      return {
        id: i.id,
        path: i.path,
        ...(i.kind !== undefined ? { kind: i.kind } : {}),
        ...(target ? { target } : {}),
      };
    });
    const unit = unitConfig(cfg);
    await runItemUnits<AttackUnitInput, AttackUnitResult>(options, run.id, {
      table: ATTACK_TABLE,
      inputs,
      process: (i) => runAttackUnit(i, hashers, unit),
      worker: { module: siblingModule(import.meta.url, 'attack-worker'), data: unit },
      batchSize: 1,
    });
    const units = store.getResults<AttackUnitResult>(run.id, ATTACK_TABLE).map((r) => r.value);
    const sheet = await writeContactSheet(units, inputs, cfg.out);
    if (sheet) store.putArtifact(run.id, CONTACT_SHEET_ARTIFACT, sheet);
    return { run: store.getRun(run.id), summary: storeAttackSummary(options.store, run.id, cfg) };
  });
}

/** Summarises the stored units of a run and stores the summary artifact. */
export function storeAttackSummary(
  store: ExperimentOptions['store'],
  runId: string,
  cfg: AttackRunConfig,
): AttackSummary {
  const units = store.getResults<AttackUnitResult>(runId, ATTACK_TABLE).map((r) => r.value);
  const algos = createHashers(cfg.algos).map((h) => ({ id: h.id, nbits: h.nbits }));
  const summary = summariseAttack(cfg.kind, units, algos, cfg.thresholds, cfg.maxQueries, cfg.minPsnr);
  store.putArtifact(runId, 'summary', summary);
  return summary;
}
