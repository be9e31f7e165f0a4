// Summaries of a robustness run: distance histograms of original vs edited copy per algorithm and transform, and
// retrieval (closest correct vs closest incorrect original) recall at a target precision.
import { fromHex } from '../hash/bits.js';
import { hammingBytes } from '../hash/hamming.js';
import { getHasher } from '../hash/registry.js';
import type { Hash } from '../hash/types.js';
import { emptyHistogram, type DistanceHistogram } from './histogram.js';
import { recallAtPrecision, type RecallAtPrecision, type RetrievalQuery } from './retrieval.js';
import type { RobustnessUnitResult } from './robustness-unit.js';

export interface AlgoRobustness {
  readonly nbits: number;
  /** Related-pair distances over all edits. */
  readonly overall: DistanceHistogram;
  /** Related-pair distances per edit spec. */
  readonly perTransform: Record<string, DistanceHistogram>;
  readonly retrieval: Record<string, RecallAtPrecision>;
}

/** An algorithm's related-pair distances over all edits, or for one edit spec (empty when the run did not measure it). */
export function relatedHistogram(a: AlgoRobustness, transform?: string): DistanceHistogram {
  if (transform === undefined) return a.overall;
  return a.perTransform[transform] ?? { nbits: a.nbits, counts: emptyHistogram(a.nbits) };
}

export interface RobustnessSummary {
  readonly items: number;
  readonly failedItems: readonly { id: string; error: string }[];
  readonly failedVariants: number;
  readonly transforms: readonly string[];
  readonly retrievalPrecision: number;
  readonly algos: Record<string, AlgoRobustness>;
}

/** Smallest distance from `q` to any original outside the query's own group. */
function closestWrong(q: Hash, originals: readonly { group: string; hash: Hash }[], group: string): number {
  let best = Infinity;
  for (const o of originals) if (o.group !== group) best = Math.min(best, hammingBytes(q.bits, o.hash.bits));
  return best;
}

export function summariseRobustness(
  units: readonly RobustnessUnitResult[],
  groupOf: ReadonlyMap<string, string>,
  algos: readonly string[],
  transforms: readonly string[],
  retrievalPrecision = 0.99,
): RobustnessSummary {
  const summary: RobustnessSummary = {
    items: units.length,
    failedItems: units.filter((u) => u.error).map((u) => ({ id: u.id, error: u.error! })),
    failedVariants: units.reduce((s, u) => s + u.variants.filter((v) => v.error).length, 0),
    transforms,
    retrievalPrecision,
    algos: {},
  };
  for (const algo of algos) {
    const nbits = getHasher(algo).nbits;
    const originals = units
      .filter((u) => u.original)
      .map((u) => ({ id: u.id, group: groupOf.get(u.id) ?? u.id, hash: fromHex(algo, nbits, u.original![algo]!) }));
    const overall = emptyHistogram(nbits);
    const perTransform: Record<string, number[]> = {};
    const queries: Record<string, RetrievalQuery[]> = {};
    for (const t of transforms) {
      perTransform[t] = emptyHistogram(nbits);
      queries[t] = [];
    }
    for (const u of units) {
      const group = groupOf.get(u.id) ?? u.id;
      for (const v of u.variants) {
        const h = v.hashes?.[algo];
        if (!h || !perTransform[v.transform]) continue;
        overall[h.distance]!++;
        perTransform[v.transform]![h.distance]!++;
        const incorrect = closestWrong(fromHex(algo, nbits, h.hash), originals, group);
        queries[v.transform]!.push({
          correct: h.distance,
          incorrect: Number.isFinite(incorrect) ? incorrect : nbits + 1,
        });
      }
    }
    const retrieval = Object.fromEntries(
      transforms.map((t) => [t, recallAtPrecision(queries[t]!, nbits, retrievalPrecision)]),
    );
    summary.algos[algo] = {
      nbits,
      overall: { nbits, counts: overall },
      perTransform: Object.fromEntries(Object.entries(perTransform).map(([t, counts]) => [t, { nbits, counts }])),
      retrieval,
    };
  }
  return summary;
}
