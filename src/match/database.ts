// Opening a match database from either an index file (.scanidx) or a hash list, which is then indexed in memory.
import { open } from 'node:fs/promises';
import { MatchError } from './errors.js';
import { loadIndex, looksLikeIndex } from './index-file.js';
import { readHashList, type InvalidRow, type HashListFormat } from './list-read.js';
import { buildIndex, type MatchIndex } from './match-index.js';

export interface OpenDatabaseOptions {
  /** The algorithm of a hash list (an index file records its own; if given, it must agree). */
  algo?: string;
  nbits?: number;
  format?: HashListFormat;
  skipInvalid?: boolean;
  /** Radius to tune an in-memory index for. */
  radius?: number;
}

export interface OpenedDatabase {
  readonly index: MatchIndex;
  /** Rows of a hash list that were skipped as invalid. */
  readonly invalid: readonly InvalidRow[];
}

/** Whether the file at `path` is an index file (by its magic bytes). */
export async function isIndexFile(path: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MatchError('unreadable', `${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await file.read(head, 0, 8, 0);
    return bytesRead === 8 && looksLikeIndex(head);
  } finally {
    await file.close();
  }
}

export async function openDatabase(path: string, options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  if (await isIndexFile(path)) {
    const index = await loadIndex(path);
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
  if (options.algo === undefined)
    throw new MatchError('argument', `${path} is a hash list: its algorithm must be given`);
  const { list, invalid } = await readHashList(path, {
    algo: options.algo,
    nbits: options.nbits,
    format: options.format,
    skipInvalid: options.skipInvalid,
  });
  return { index: buildIndex(list, { radius: options.radius }), invalid };
}
