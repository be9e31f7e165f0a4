// The plaintext ground truth of an intersection, and how a protocol's outcome compares with it.
import { bytesToHex } from '@noble/curves/utils.js';
import type { PsiOutcome } from './protocols/party.js';
import type { PartyRole } from './transcript.js';

export interface IntersectionTruth {
  /** For each query, whether its input is in the database. */
  readonly queryMatches: readonly boolean[];
  /** Indices of database entries whose input is among the queries. */
  readonly databaseMatches: readonly number[];
}

export function intersectionTruth(database: readonly Uint8Array[], queries: readonly Uint8Array[]): IntersectionTruth {
  const db = new Set(database.map(bytesToHex));
  const q = new Set(queries.map(bytesToHex));
  return {
    queryMatches: queries.map((x) => db.has(bytesToHex(x))),
    databaseMatches: database.flatMap((y, i) => (q.has(bytesToHex(y)) ? [i] : [])),
  };
}

export interface Accuracy {
  readonly learner: PartyRole;
  readonly outcome: PsiOutcome['kind'];
  /** Matches the learner should find (per query, per database entry, or the cardinality it should compute). */
  readonly expected: number;
  readonly found: number;
  /** Per-item comparison; absent for cardinality-only outcomes, which name no item. */
  readonly truePositives?: number;
  readonly falsePositives?: number;
  /** Matches missed for no reason the protocol intends (should be 0 for a correct implementation). */
  readonly falseNegatives?: number;
  /** tpsi-ad: matches the protocol withholds by design (in an account below t, or sent as a synthetic voucher). */
  readonly withheldByDesign?: number;
}

function compareFlags(
  learner: PartyRole,
  outcome: PsiOutcome['kind'],
  got: readonly boolean[],
  want: readonly boolean[],
): Accuracy {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < want.length; i++) {
    if (got[i] && want[i]) tp++;
    else if (got[i]) fp++;
    else if (want[i]) fn++;
  }
  const expected = want.filter(Boolean).length;
  return { learner, outcome, expected, found: tp + fp, truePositives: tp, falsePositives: fp, falseNegatives: fn };
}

/** Compares what `learner` learned with the truth. */
export function compareWithTruth(
  learner: PartyRole,
  outcome: PsiOutcome,
  truth: IntersectionTruth,
  databaseSize: number,
): Accuracy {
  switch (outcome.kind) {
    case 'membership':
      return compareFlags(learner, outcome.kind, outcome.matches, truth.queryMatches);
    case 'database-matches': {
      const got = new Array<boolean>(databaseSize).fill(false);
      for (const i of outcome.indices) got[i] = true;
      const want = new Array<boolean>(databaseSize).fill(false);
      for (const i of truth.databaseMatches) want[i] = true;
      return compareFlags(learner, outcome.kind, got, want);
    }
    case 'cardinality': {
      const expected = learner === 'client' ? truth.queryMatches.filter(Boolean).length : truth.databaseMatches.length;
      return { learner, outcome: outcome.kind, expected, found: outcome.count };
    }
  }
}
