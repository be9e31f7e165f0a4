// The `scanlab/eval` entry point: the robustness and FPR experiments, the run store, summaries and their exports,
// ROC and population-scale estimates, and the interval statistics behind them.
export { RunStore, StoreError, DEFAULT_STORE, type RunRecord } from './store.js';
export type { ExperimentOptions } from './experiment.js';
export { runRobustness, robustnessConfig, type RobustnessConfig } from './robustness.js';
export {
  summariseRobustness,
  relatedHistogram,
  type RobustnessSummary,
  type AlgoRobustness,
} from './robustness-summary.js';
export { runFpr, fprConfig, type FprConfig, type FprSummary, type AlgoFpr } from './fpr.js';
export { exportRows, type ExportRow } from './export.js';
export { recordPsiRun, readPsiList, type PsiList, type StoredPhotoResult } from './psi-run.js';
export { countAtMost, mean, variance, total, type DistanceHistogram } from './histogram.js';
export { defaultThreshold, parseThresholds } from './thresholds.js';
export { wilson, clopperPearson, proportion, type Proportion } from './binomial.js';
export { perPhotoFalseMatch, perAccountFalseFlag } from './population.js';
export { populationReport, type PopulationReport, type PopulationParams } from './population-report.js';
export { rocReport, type RocReport } from './roc-report.js';
