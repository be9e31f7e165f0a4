// Thorn-style retrieval analysis: for each edited copy, the distance to its own original and to the closest wrong
// original; a query at threshold τ is "matched" when either is ≤ τ and "correct" when its own original is strictly
// the closest. Reports the best recall whose precision meets a target.

export interface RetrievalQuery {
  readonly correct: number;
  readonly incorrect: number;
}

export interface RecallAtPrecision {
  readonly targetPrecision: number;
  readonly queries: number;
  /** Null when no threshold reaches the target precision. */
  readonly threshold: number | null;
  readonly recall: number;
  readonly precision: number | null;
}

export function recallAtPrecision(
  queries: readonly RetrievalQuery[],
  nbits: number,
  targetPrecision: number,
): RecallAtPrecision {
  const n = queries.length;
  const matched = new Array<number>(nbits + 2).fill(0);
  const correct = new Array<number>(nbits + 2).fill(0);
  for (const q of queries) {
    const first = Math.min(q.correct, q.incorrect);
    matched[first]!++;
    if (q.correct < q.incorrect) correct[q.correct]!++;
  }
  let best: RecallAtPrecision = { targetPrecision, queries: n, threshold: null, recall: 0, precision: null };
  let m = 0;
  let c = 0;
  for (let t = 0; t <= nbits; t++) {
    m += matched[t]!;
    c += correct[t]!;
    if (m === 0) continue;
    const precision = c / m;
    if (precision >= targetPrecision && c / n > best.recall)
      best = { targetPrecision, queries: n, threshold: t, recall: c / n, precision };
  }
  return best;
}
