// Matching query hashes against an index: the rows of `scanlab match` (query, match_id, distance), sorted.
import { fromHex } from '../hash/bits.js';
import type { HashRow } from '../hash/hash-image.js';
import { HashError, type Hash } from '../hash/types.js';
import { csvRow } from '../util/csv.js';
import { MatchError } from './errors.js';
import { entryId } from './hash-list.js';
import { IndexSearcher, type MatchIndex, type SearcherOptions } from './match-index.js';
import { MatchWorkers } from './match-workers.js';
import type { Match } from './results.js';

/** One query hash; several with the same `query` (e.g. the eight dihedral variants of a photo) count as one query. */
export interface QueryHash {
  readonly query: string;
  readonly hash: Hash;
}

/** A database entry within the threshold of a query, at the smallest distance over the query's hashes. */
export interface MatchRow {
  readonly query: string;
  readonly matchId: string;
  /** The entry's position in the database. */
  readonly index: number;
  readonly distance: number;
}

/** A query that could not be used, with the reason. */
export interface QueryFailure {
  readonly query: string;
  readonly error: string;
}

export interface MatchQueriesOptions extends SearcherOptions {
  /** Largest Hamming distance that counts as a match. */
  threshold: number;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Orders rows by query, then distance, then database position. */
function compareMatchRows(a: MatchRow, b: MatchRow): number {
  return compareText(a.query, b.query) || a.distance - b.distance || a.index - b.index;
}

function checkThreshold(threshold: number): void {
  if (!Number.isInteger(threshold) || threshold < 0)
    throw new MatchError('argument', `threshold must be a non-negative integer, got ${threshold}`);
}

/**
 * The rows of the matches found for each query hash (`found[h]` for `queries[h]`): per query, each entry once at its
 * smallest distance over the query's hashes; sorted by query, distance, then position.
 */
function matchRows(index: MatchIndex, queries: readonly QueryHash[], found: readonly (readonly Match[])[]): MatchRow[] {
  const best = new Map<string, Map<number, number>>();
  queries.forEach(({ query }, h) => {
    let entries = best.get(query);
    if (!entries) best.set(query, (entries = new Map()));
    for (const { index: id, distance } of found[h]!) {
      const seen = entries.get(id);
      if (seen === undefined || distance < seen) entries.set(id, distance);
    }
  });
  const rows: MatchRow[] = [];
  for (const [query, entries] of best) {
    for (const [i, distance] of entries) rows.push({ query, matchId: entryId(index.list, i), index: i, distance });
  }
  return rows.sort(compareMatchRows);
}

/** Every (query, entry) pair within the threshold, sorted by query, distance, then position. */
export function matchQueries(
  index: MatchIndex,
  queries: Iterable<QueryHash>,
  options: MatchQueriesOptions,
): MatchRow[] {
  checkThreshold(options.threshold);
  const searcher = new IndexSearcher(index, options);
  const list = [...queries];
  return matchRows(
    index,
    list,
    list.map(({ hash }) => searcher.radius(hash, options.threshold)),
  );
}

/**
 * `matchQueries` with the search spread over `jobs` worker threads (MatchWorkers); the index must be on shared
 * memory. The rows are the same.
 */
export async function matchQueriesInWorkers(
  index: MatchIndex,
  queries: readonly QueryHash[],
  options: MatchQueriesOptions & { jobs: number },
): Promise<MatchRow[]> {
  checkThreshold(options.threshold);
  const workers = MatchWorkers.start(index, options.jobs, options);
  try {
    const searcher = new IndexSearcher(index, options);
    const { words } = index.list.hashes;
    const packed = new Int32Array(queries.length * words);
    queries.forEach(({ hash }, h) => packed.set(searcher.pack(hash), h * words));
    return matchRows(index, queries, await workers.radius(packed, options.threshold));
  } finally {
    await workers.close();
  }
}

export interface QuerySelection {
  readonly queries: QueryHash[];
  readonly failures: QueryFailure[];
  /** Algorithms of the rows that were left out as not matching the database's. */
  readonly otherAlgos: ReadonlySet<string>;
}

/**
 * Picks from `scanlab hash` rows the hashes to search with: rows of the database's algorithm, and with
 * `dihedral` also its variants (`pdq:r90`, ...), which are searched as the same algorithm. Rows carrying an error
 * or an invalid hash become failures; rows of other algorithms are left out.
 */
export async function selectQueryHashes(
  rows: AsyncIterable<HashRow> | Iterable<HashRow>,
  algo: string,
  nbits: number,
  dihedral: boolean,
): Promise<QuerySelection> {
  const queries: QueryHash[] = [];
  const failures: QueryFailure[] = [];
  const otherAlgos = new Set<string>();
  for await (const row of rows) {
    const wanted = row.algo === algo || (dihedral && row.algo.startsWith(`${algo}:`));
    if (!wanted) {
      otherAlgos.add(row.algo);
      continue;
    }
    if (row.error) {
      failures.push({ query: row.file, error: row.error });
      continue;
    }
    try {
      queries.push({ query: row.file, hash: fromHex(algo, nbits, row.hash) });
    } catch (e) {
      if (!(e instanceof HashError)) throw e;
      failures.push({ query: row.file, error: e.message });
    }
  }
  return { queries, failures, otherAlgos };
}

export const MATCH_CSV_HEADER = 'query,match_id,distance';

/** A match row as a CSV line. */
export const formatMatchRow = (row: MatchRow): string => csvRow([row.query, row.matchId, String(row.distance)]);
