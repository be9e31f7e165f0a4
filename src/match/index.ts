// The `scanlab/match` entry point: hash lists (CSV, JSON Lines, text), multi-index and linear-scan search, index
// files, and matching query hashes against a database.
export { MatchError, type MatchErrorKind } from './errors.js';
export { hashListFromHashes, entryId, entryHash, type HashList } from './hash-list.js';
export { readHashList, type HashListFormat, type ReadHashListOptions, type ReadHashListResult } from './list-read.js';
export { writeHashList } from './list-write.js';
export { buildIndex, IndexSearcher, type MatchIndex, type BuildIndexOptions } from './match-index.js';
export { saveIndex, loadIndex, type LoadIndexOptions } from './index-file.js';
export { MatchWorkers } from './match-workers.js';
export { openDatabase, type OpenedDatabase } from './database.js';
export { scanRadius, scanNearest } from './linear-scan.js';
export { matchQueries, MATCH_CSV_HEADER, type MatchRow, type MatchQueriesOptions } from './match-queries.js';
export type { Match } from './results.js';
