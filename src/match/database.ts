// Opening a match database from either an index file (.scanidx) or a hash list, which is then indexed in memory.
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { MatchError } from './errors.js';
import { INDEX_EXTENSION, loadIndex, looksLikeIndex } from './index-file.js';
import { csvListAlgorithm, formatFromPath, readHashList, type InvalidRow, type HashListFormat } from './list-read.js';
import { buildIndex, type MatchIndex } from './match-index.js';
import { allocateWords } from './packed.js';

export interface OpenDatabaseOptions {
  /**
   * The algorithm of a hash list (an index file records its own; if given, it must agree). Without it, a CSV list's
   * `algo` column names it (its first row's value; rows of other algorithms are left out).
   */
  algo?: string;
  nbits?: number;
  format?: HashListFormat;
  skipInvalid?: boolean;
  /** Radius to tune an in-memory index for. */
  radius?: number;
  /** Put the index on shared memory, so that `MatchWorkers` can search it from worker threads. */
  shared?: boolean;
}

export interface OpenedDatabase {
  readonly index: MatchIndex;
  /** Rows of a hash list that were skipped as invalid. */
  readonly invalid: readonly InvalidRow[];
}

/**
 * Whether the file at `path` is an index file (by its magic bytes). A folder, an empty file, or a file named
 * `.scanidx` without the magic bytes is a MatchError saying which, rather than being read as an empty hash list.
 */
async function isIndexFile(path: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MatchError('unreadable', `${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let head: Buffer;
  try {
    if ((await file.stat()).isDirectory())
      throw new MatchError('unreadable', `${path}: is a folder, not a database file`);
    head = Buffer.alloc(8);
    const { bytesRead } = await file.read(head, 0, 8, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  if (head.length === 0) throw new MatchError('format', `${path}: empty file, neither an index nor a hash list`);
  if (head.length === 8 && looksLikeIndex(head)) return true;
  if (extname(path).toLowerCase() === INDEX_EXTENSION)
    throw new MatchError('format', `${path}: not a scanlab index file (bad magic bytes)`);
  return false;
}

function sharedCopy(words: Int32Array): Int32Array {
  const copy = allocateWords(words.length, true);
  copy.set(words);
  return copy;
}

export async function openDatabase(path: string, options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  if (await isIndexFile(path)) {
    const index = await loadIndex(path, { shared: options.shared });
    const { algo } = index.list;
    const { nbits } = index.list.hashes;
    if (
      (options.algo !== undefined && options.algo !== algo) ||
      (options.nbits !== undefined && options.nbits !== nbits)
    ) {
      throw new MatchError(
        'argument',
        `${path} holds ${nbits}-bit ${algo} hashes, not ${options.nbits ?? nbits}-bit ${options.algo ?? algo}`,
      );
    }
    return { index, invalid: [] };
  }
  const format = options.format ?? formatFromPath(path);
  const algo = options.algo ?? (format === 'csv' ? await csvListAlgorithm(path) : undefined);
  if (algo === undefined)
    throw new MatchError('argument', `${path} is a hash list without an algo column: its algorithm must be given`);
  const { list, invalid } = await readHashList(path, {
    algo,
    nbits: options.nbits,
    format,
    skipInvalid: options.skipInvalid,
  });
  const hashes = options.shared ? { ...list.hashes, data: sharedCopy(list.hashes.data) } : list.hashes;
  return { index: buildIndex({ ...list, hashes }, { radius: options.radius, shared: options.shared }), invalid };
}
