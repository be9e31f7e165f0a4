// The demo's attack step: forced collisions on the first few images of the bundled sample (pHash and PDQ, white box,
// a small query budget), with the defences priced on the demo's FPR run, so that the report shows the attack section.
import { join } from 'node:path';
import { attackDefences } from '../attack/defences.js';
import { attackConfig, runAttack, type AttackRunConfig } from '../attack/run.js';
import type { RunRecord, RunStore } from '../eval/store.js';

/** Four sources (the first of the sample), each pushed within τ of another group's image, at most 40 queries each. */
export const demoAttackConfig = (dataset: string, outDir: string): AttackRunConfig =>
  attackConfig({
    kind: 'collide',
    dataset,
    targets: dataset,
    algos: ['phash', 'pdq'],
    mode: 'whitebox',
    maxQueries: 40,
    seed: 1,
    limit: 4,
    out: join(outDir, 'attack'),
  });

/** Runs the demo's collisions (reusing `previous` when it finished) and stores the defence table beside them. */
export async function demoAttack(
  store: RunStore,
  config: AttackRunConfig,
  fprRun: string | undefined,
  previous: RunRecord | undefined,
): Promise<{ run: RunRecord; reused: boolean }> {
  const reused = previous?.status === 'done';
  const run = reused ? previous : (await runAttack(config, { store, name: 'demo-attack-collide' })).run;
  if (fprRun) store.putArtifact(run.id, 'defences', await attackDefences(store, run.id, fprRun));
  return { run, reused };
}
