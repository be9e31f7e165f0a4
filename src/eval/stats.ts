// The statistics of evaluation in one import: intervals, histograms, ROC, the DoF fit and population scale.
export * from './special.js';
export * from './binomial.js';
export * from './histogram.js';
export * from './roc.js';
export * from './dof-fit.js';
export * from './population.js';
