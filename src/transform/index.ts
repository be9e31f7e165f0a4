// The `scanlab/transform` entry point: seeded image edits from specs such as `jpeg(q=30)`, and the default list.
export { parseTransform, createTransform, chainTransforms, formatTransform } from './spec.js';
export { listTransformFamilies } from './registry.js';
export { DEFAULT_TRANSFORM_SPECS, parseTransformList } from './defaults.js';
export { TransformError } from './errors.js';
export type { Transform } from './types.js';
