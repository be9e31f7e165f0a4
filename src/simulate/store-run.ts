// Keeps a population simulation in the run store (kind `simulation`): the scenarios' results as the summary.
import type { RunStore } from '../eval/store.js';
import type { PopulationResult } from './population.js';

export const SIMULATION_RUN_KIND = 'simulation';

export interface SimulationSummary {
  readonly scenarios: readonly PopulationResult[];
}

export function storeSimulationRun(store: RunStore, scenarios: readonly PopulationResult[], name?: string): string {
  const first = scenarios[0];
  const run = store.createRun({
    kind: SIMULATION_RUN_KIND,
    name: name ?? 'simulate-population',
    config: first?.config ?? {},
    seed: first?.config.seed,
  });
  const summary: SimulationSummary = { scenarios };
  store.putArtifact(run.id, 'summary', summary);
  store.setStatus(run.id, 'done');
  return run.id;
}
