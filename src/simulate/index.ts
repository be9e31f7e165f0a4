// The `scanlab/simulate` entry point: a deployment's year over a population of accounts, simulated per account beside
// the analytic rate, with inputs from stored runs.
export { simulatePopulation, analyticRate, effectivePhotoFpr, DEFAULT_SERVER_COST } from './population.js';
export type { PopulationConfig, PopulationResult, ServerCostModel, DetectionBin } from './population.js';
export { parseCountDistribution, formatCountDistribution, countQuantile, sampleCount } from './count-distribution.js';
export type { CountDistribution } from './count-distribution.js';
export { binomialDraw, betaDraw } from './samplers.js';
export { photoFprFromRun, tprFromRun, serverCostFromRun } from './sources.js';
export type { FprEstimate } from './sources.js';
export { storeSimulationRun, SIMULATION_RUN_KIND } from './store-run.js';
export type { SimulationSummary } from './store-run.js';
export { formatPopulation } from './format.js';
export { SimulationUsageError } from './errors.js';
