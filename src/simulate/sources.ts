// Inputs of a population simulation read from stored runs: per-photo false-match probability from an FPR run's
// histogram at a Hamming distance and database size, per-image detection from a robustness run, server costs from
// a pipeline run.
import { clopperPearson } from '../eval/binomial.js';
import type { FprSummary } from '../eval/fpr.js';
import { fittedFpr } from '../eval/dof-fit.js';
import { countAtMost, total } from '../eval/histogram.js';
import { perPhotoFalseMatch } from '../eval/population.js';
import type { RobustnessSummary } from '../eval/robustness-summary.js';
import type { RunStore } from '../eval/store.js';
import type { PipelineSummary } from '../pipeline/summary.js';
import { SimulationUsageError } from './errors.js';
import type { ServerCostModel } from './population.js';

function summaryOf<T>(store: RunStore, ref: string, kind: string): { id: string; summary: T } {
  const run = store.getRun(ref);
  if (run.kind !== kind) throw new SimulationUsageError(`run ${run.id} is a ${run.kind} run, not a ${kind} run`);
  const summary = store.getArtifact<T>(run.id, 'summary');
  if (!summary) throw new SimulationUsageError(`run ${run.id} has no summary (unfinished?)`);
  return { id: run.id, summary };
}

export interface PhotoFprFromRun {
  readonly photoFpr: number;
  readonly source: string;
  /** Pairs at or below τ and pairs compared. */
  readonly pairs: { readonly k: number; readonly n: number };
}

/**
 * How the per-pair FPR at τ is read from an FPR run: measured (point estimate, or the 95% upper bound when no pair is
 * within τ), or the effective-degrees-of-freedom fit extrapolated to τ (a model, for samples too small to measure).
 */
export type FprEstimate = 'measured' | 'dof-fit';

/**
 * Per-photo false-match probability 1 − (1 − FPR)^D from a stored FPR run at distance τ. Measured: with no pair at or
 * below τ the rate is no estimate, so the upper end of its 95% Clopper–Pearson interval is used (conservative) and the
 * source says so; otherwise the point estimate, with its interval in the source. dof-fit: the run's fit at τ.
 */
export function photoFprFromRun(
  store: RunStore,
  ref: string,
  algo: string,
  maxDistance: number,
  dbSize: number,
  estimate: FprEstimate = 'measured',
): PhotoFprFromRun {
  const { id, summary } = summaryOf<FprSummary>(store, ref, 'fpr');
  const a = summary.algos[algo];
  if (!a)
    throw new SimulationUsageError(
      `run ${id} has no ${algo} histogram (algorithms: ${Object.keys(summary.algos).join(', ')})`,
    );
  const n = a.counts.reduce((s, c) => s + c, 0);
  const k = countAtMost(a, maxDistance);
  if (estimate === 'dof-fit') {
    if (!a.dof || !Number.isFinite(a.dof.dof)) throw new SimulationUsageError(`run ${id} has no DoF fit for ${algo}`);
    const fitted = fittedFpr(a.dof, a.nbits, maxDistance);
    return {
      photoFpr: perPhotoFalseMatch(fitted, dbSize),
      source: `fpr run ${id}, ${algo}: effective-DoF fit (N = ${a.dof.dof.toFixed(1)}) extrapolated to distance ${maxDistance}, per-pair FPR ${fitted.toExponential(2)} — a model, not a measurement (${k} of ${n} pairs within ${maxDistance}); database of ${dbSize}`,
      pairs: { k, n },
    };
  }
  const ci = clopperPearson(k, n);
  const fpr = k === 0 ? ci.upper : ci.estimate;
  const how =
    k === 0
      ? `upper 95% bound ${fpr.toExponential(2)} (0 of ${n} pairs within ${maxDistance})`
      : `${k} of ${n} pairs within ${maxDistance}: ${fpr.toExponential(2)} [${ci.lower.toExponential(2)}, ${ci.upper.toExponential(2)}]`;
  return {
    photoFpr: perPhotoFalseMatch(fpr, dbSize),
    source: `fpr run ${id}, ${algo}, per-pair FPR ${how}, database of ${dbSize}`,
    pairs: { k, n },
  };
}

/** Per-image detection: the share of edited copies within τ of their original in a stored robustness run. */
export function tprFromRun(
  store: RunStore,
  ref: string,
  algo: string,
  maxDistance: number,
): { tpr: number; source: string } {
  const { id, summary } = summaryOf<RobustnessSummary>(store, ref, 'robustness');
  const a = summary.algos[algo];
  if (!a) throw new SimulationUsageError(`run ${id} has no ${algo} results`);
  const n = total(a.overall);
  const k = countAtMost(a.overall, maxDistance);
  if (n === 0) throw new SimulationUsageError(`run ${id} has no ${algo} pairs`);
  return { tpr: k / n, source: `robustness run ${id}, ${algo}: ${k} of ${n} edited copies within ${maxDistance}` };
}

/** Matcher time and added bytes per photo from a stored pipeline run. */
export function serverCostFromRun(store: RunStore, ref: string): ServerCostModel {
  const { id, summary } = summaryOf<PipelineSummary>(store, ref, 'pipeline');
  const perPhotoVouchers = summary.config.dihedral ? 8 : 1;
  return {
    matcherMsPerVoucher: summary.costs.server.matcherMs.p50 / perPhotoVouchers,
    addedBytesPerPhoto: summary.costs.bytesPerPhoto.added,
    source: `pipeline run ${id} (${summary.config.protocol}, matcher p50 per message, added bytes per photo)`,
  };
}
