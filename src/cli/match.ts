// `scanlab match`: images, folders or `scanlab hash` CSVs against a hash database → CSV query,match_id,distance.
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { hashFiles } from '../hash/batch.js';
import { canonicalSpec, getHasher } from '../hash/registry.js';
import type { HashRow } from '../hash/hash-image.js';
import { walkImages } from '../image/files.js';
import { openDatabase } from '../match/database.js';
import type { HashListFormat, InvalidRow } from '../match/list-read.js';
import {
  formatMatchRow,
  MATCH_CSV_HEADER,
  matchQueries,
  matchQueriesInWorkers,
  selectQueryHashes,
} from '../match/match-queries.js';
import { isHashCsv, readHashCsv } from '../match/query-csv.js';
import { hugePagesRequested, rerunWithHugePages } from '../util/huge-pages.js';
import { PartialFailure, UsageError } from './errors.js';
import { parseJobs } from './options.js';
import { createProgress } from './progress.js';
import { withLineOutput } from './output.js';
import { runAction } from './run-action.js';

/** An option value that must be an integer ≥ 0. */
export function parseNonNegativeInt(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0)
    throw new UsageError(`${name} must be a non-negative integer, not "${value}"`);
  return n;
}

/** `--bits`, or the registered algorithm's length; undefined when neither is known (the list's first hash decides). */
export function parseBits(algo: string | undefined, bits: string | undefined): number | undefined {
  if (bits !== undefined) {
    const n = parseNonNegativeInt('--bits', bits);
    if (n === 0) throw new UsageError('--bits must be positive');
    return n;
  }
  if (algo === undefined) return undefined;
  try {
    return getHasher(canonicalSpec(algo)).nbits;
  } catch {
    return undefined;
  }
}

/** `--in-format` of a hash list. */
export function parseListFormat(value: string | undefined): HashListFormat | undefined {
  if (value === undefined || value === 'csv' || value === 'text' || value === 'jsonl') return value;
  throw new UsageError(`--in-format must be csv, text or jsonl, not "${value}"`);
}

interface MatchOptions {
  db: string;
  algo?: string;
  bits?: string;
  inFormat?: string;
  maxDistance?: string;
  dihedral?: boolean;
  skipInvalid?: boolean;
  out?: string;
  jobs?: string;
  json?: boolean;
}

/** Tells the user about skipped database rows on stderr, one line. */
export function reportSkipped(invalid: readonly InvalidRow[]): void {
  if (invalid.length === 0) return;
  const first = invalid[0]!;
  process.stderr.write(
    `scanlab: skipped ${invalid.length} invalid row${invalid.length === 1 ? '' : 's'} (first: ${first.file}:${first.line}: ${first.message})\n`,
  );
}

/** The eight dihedral variants of a hash CSV row set, e.g. `pdq:orig` … `pdq:r270fx`, counted per query file. */
const DIHEDRAL_VARIANTS = 8;

/**
 * With --dihedral, a hash CSV must hold the eight rotation/flip rows of every photo: a CSV hashed without them would
 * be matched by the unrotated hash alone and silently miss rotated copies.
 */
async function* requireDihedralRows(rows: AsyncIterable<HashRow>, algo: string, path: string): AsyncGenerator<HashRow> {
  const variants = new Map<string, Set<string>>();
  for await (const row of rows) {
    if (!row.error && (row.algo === algo || row.algo.startsWith(`${algo}:`))) {
      const seen = variants.get(row.file) ?? new Set<string>();
      variants.set(row.file, seen);
      if (row.algo !== algo) seen.add(row.algo);
    }
    yield row;
  }
  const short = [...variants].find(([, seen]) => seen.size < DIHEDRAL_VARIANTS);
  if (short)
    throw new UsageError(
      `${path}: --dihedral needs the eight rotation/flip rows of each photo (${algo}:orig, ${algo}:r90, …), but ${short[0]} has ${short[1].size}; hash it with \`scanlab hash --dihedral\` or give the images`,
    );
}

/** Query rows from every input: hash CSVs are read, everything else is hashed as images; unreadable inputs fail. */
async function* queryRows(
  inputs: readonly string[],
  algo: string,
  dihedral: boolean,
  jobs: number,
): AsyncGenerator<HashRow> {
  const images: string[] = [];
  for (const input of inputs) {
    if (await isHashCsv(input))
      yield* dihedral ? requireDihedralRows(readHashCsv(input), algo, input) : readHashCsv(input);
    else images.push(input);
  }
  if (images.length === 0) return;
  const { files, unreadable } = await walkImages(images);
  for (const u of unreadable) yield { file: u.path, algo, hash: '', error: u.error };
  const progress = createProgress('hashing');
  yield* hashFiles(files, { algos: [algo], dihedral, jobs, onProgress: (d, t) => progress.update(d, t) });
  progress.finish();
}

/** Index files from this size on are searched with transparent huge pages (0.7–0.8× the CPU time per query). */
const HUGE_PAGES_FROM_BYTES = 256 * 2 ** 20;

/**
 * Whether to rerun this command with huge pages: on Linux, for a large index file, unless they are already asked
 * for; SCANLAB_HUGE_PAGES=0 never, =1 always (glibc reads its tunables only when a process starts).
 */
function wantsHugePages(db: string): boolean {
  const setting = process.env.SCANLAB_HUGE_PAGES;
  if (setting === '0' || process.platform !== 'linux' || hugePagesRequested(process.env)) return false;
  if (setting === '1') return true;
  try {
    return statSync(db).size >= HUGE_PAGES_FROM_BYTES;
  } catch {
    return false;
  }
}

/** Query hashes from which searching in worker threads pays for starting them. */
const WORKER_QUERIES = 1000;

async function matchCommand(inputs: string[], opts: MatchOptions): Promise<void> {
  if (wantsHugePages(opts.db)) {
    process.exitCode = rerunWithHugePages();
    return;
  }
  const nbits = parseBits(opts.algo, opts.bits);
  const format = parseListFormat(opts.inFormat);
  const jobs = parseJobs(opts.jobs);
  const threshold =
    opts.maxDistance === undefined ? undefined : parseNonNegativeInt('--max-distance', opts.maxDistance);
  const { index, invalid } = await openDatabase(opts.db, {
    algo: opts.algo === undefined ? undefined : canonicalSpec(opts.algo),
    nbits,
    format,
    skipInvalid: opts.skipInvalid,
    radius: threshold,
    shared: jobs > 1,
  });
  reportSkipped(invalid);
  const { algo } = index.list;
  const selection = await selectQueryHashes(
    queryRows(inputs, algo, opts.dihedral ?? false, jobs),
    algo,
    index.list.hashes.nbits,
    opts.dihedral ?? false,
  );
  if (selection.queries.length === 0 && selection.failures.length === 0 && selection.otherAlgos.size > 0) {
    throw new UsageError(`the queries hold no ${algo} hashes (found ${[...selection.otherAlgos].join(', ')})`);
  }
  const matchOptions = { threshold: threshold ?? index.designRadius, jobs };
  const rows =
    jobs > 1 && index.tables.length > 0 && selection.queries.length >= WORKER_QUERIES
      ? await matchQueriesInWorkers(index, selection.queries, matchOptions)
      : matchQueries(index, selection.queries, matchOptions);
  await withLineOutput(opts.out, async (out) => {
    if (opts.json) {
      for (const row of rows)
        await out.write(JSON.stringify({ query: row.query, match: row.matchId, distance: row.distance }));
      return;
    }
    await out.write(MATCH_CSV_HEADER);
    for (const row of rows) await out.write(formatMatchRow(row));
  });
  for (const f of selection.failures) process.stderr.write(`scanlab: ${f.query}: ${f.error}\n`);
  if (selection.failures.length > 0)
    throw new PartialFailure(
      `${selection.failures.length} quer${selection.failures.length === 1 ? 'y' : 'ies'} could not be matched`,
    );
}

export function registerMatchCommand(program: Command): void {
  program
    .command('match')
    .description(
      'match images, folders or `scanlab hash` CSVs against a hash database; prints CSV query,match_id,distance',
    )
    .argument('<queries...>', 'image files, folders, or CSV files written by `scanlab hash`')
    .requiredOption('--db <file>', 'an index built by `scanlab index build`, or a hash list (CSV, text or JSONL)')
    .option(
      '--algo <id>',
      "algorithm of a hash-list database, e.g. pdq (default: the list's algo column; an index records its own)",
    )
    .option('--bits <n>', 'bit length of the hashes, for algorithms scanlab does not compute itself')
    .option('--in-format <fmt>', 'format of a hash-list database: csv, text or jsonl (default: from the extension)')
    .option('--max-distance <n>', 'largest Hamming distance that matches (default: the one the index was built for)')
    .option('--dihedral', 'for PDQ: match each photo by its best of the eight rotations/flips')
    .option('--skip-invalid', 'skip invalid rows of a hash-list database instead of failing')
    .option('--out <file>', 'write the CSV to a file instead of stdout')
    .option(
      '--jobs <n>',
      'parallel workers for hashing images, and for searching from 1000 query hashes on (default: number of cores)',
    )
    .option('--json', 'one JSON object per match (query, match, distance) instead of CSV')
    .action(runAction(matchCommand));
}
