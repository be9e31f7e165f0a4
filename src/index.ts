// scanlab's main entry point (`scanlab`): the union of the documented entry points `scanlab/hash`, `scanlab/match`,
// `scanlab/transform`, `scanlab/dataset`, `scanlab/psi`, `scanlab/eval`, `scanlab/report`, `scanlab/attack`,
// `scanlab/pipeline`, `scanlab/simulate` and `scanlab/leakage` (docs/api.md).
export * from './hash/index.js';
export * from './match/index.js';
export * from './transform/index.js';
export * from './dataset/index.js';
export * from './psi/index.js';
export * from './eval/index.js';
export * from './report/index.js';
export * from './attack/index.js';
export * from './pipeline/index.js';
export * from './simulate/index.js';
export * from './leakage/index.js';
