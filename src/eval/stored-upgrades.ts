// Artifacts written by earlier versions of scanlab, read in their current form: the run store applies these on
// every read, so stored runs stay readable after a format change.
import type { DistanceHistogram } from './histogram.js';
import type { AlgoRobustness, RobustnessSummary } from './robustness-summary.js';

/** An algorithm's part of a robustness summary as earlier versions stored it: histograms as bare count arrays. */
type StoredAlgoRobustness = Omit<AlgoRobustness, 'overall' | 'perTransform'> & {
  readonly overall: DistanceHistogram | number[];
  readonly perTransform: Readonly<Record<string, DistanceHistogram | number[]>>;
};

/** A robustness summary in either stored form. */
export type StoredRobustnessSummary = Omit<RobustnessSummary, 'algos'> & {
  readonly algos: Readonly<Record<string, StoredAlgoRobustness>>;
};

/**
 * A stored robustness summary with `DistanceHistogram`s: one written when histograms were bare `counts` arrays gets
 * the algorithm's `nbits` beside each; a current one, or a value without per-algorithm parts, is returned unchanged.
 */
export function upgradeRobustnessSummary(stored: StoredRobustnessSummary): RobustnessSummary {
  if (typeof stored.algos !== 'object' || stored.algos === null) return stored as RobustnessSummary;
  const algos = Object.entries(stored.algos).map(([algo, a]): [string, AlgoRobustness] => {
    const histogram = (h: DistanceHistogram | number[]): DistanceHistogram =>
      Array.isArray(h) ? { nbits: a.nbits, counts: h } : h;
    const perTransform = Object.entries(a.perTransform).map(([t, h]) => [t, histogram(h)]);
    return [algo, { ...a, overall: histogram(a.overall), perTransform: Object.fromEntries(perTransform) }];
  });
  return { ...stored, algos: Object.fromEntries(algos) };
}

/** The upgrade of each artifact whose stored form changed, by run kind and artifact key. */
export const ARTIFACT_UPGRADES: Readonly<Record<string, Readonly<Record<string, (stored: never) => unknown>>>> = {
  robustness: { summary: upgradeRobustnessSummary },
};
