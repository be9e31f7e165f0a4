// Reading the CSV that `scanlab hash` writes (file,algo,hash,quality,error) as match queries.
import { open } from 'node:fs/promises';
import { CSV_HEADER } from '../hash/row-format.js';
import type { HashRow } from '../hash/hash-image.js';
import { CsvSyntaxError, csvRecords, parseCsvRecord } from './csv.js';
import { MatchError } from './errors.js';
import { readLines } from './lines.js';

/** Whether a file starts with the header of `scanlab hash` CSV output. */
export async function isHashCsv(path: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(CSV_HEADER.length + 8);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const text = head.toString('utf8', 0, bytesRead).replace(/^\uFEFF/, '');
    return text.startsWith(CSV_HEADER) && /^\r?\n|^$/.test(text.slice(CSV_HEADER.length));
  } catch {
    return false;
  } finally {
    await file.close();
  }
}

/** The rows of a `scanlab hash` CSV; a malformed row is a MatchError naming its file and line. */
export async function* readHashCsv(path: string): AsyncGenerator<HashRow> {
  let headerSeen = false;
  for await (const { text, line } of csvRecords(readLines(path))) {
    if (!headerSeen) {
      if (text !== CSV_HEADER)
        throw new MatchError('format', `${path}:${line}: not a scanlab hash CSV (expected the header "${CSV_HEADER}")`);
      headerSeen = true;
      continue;
    }
    if (text === '') continue;
    let fields: string[];
    try {
      fields = parseCsvRecord(text);
    } catch (e) {
      if (!(e instanceof CsvSyntaxError)) throw e;
      throw new MatchError('invalid-row', `${path}:${line}: bad CSV: ${e.message}`);
    }
    if (fields.length !== 5)
      throw new MatchError('invalid-row', `${path}:${line}: expected 5 fields, got ${fields.length}`);
    const [file, algo, hash, quality, error] = fields as [string, string, string, string, string];
    yield {
      file,
      algo,
      hash,
      ...(quality === '' ? {} : { quality: Number(quality) }),
      ...(error === '' ? {} : { error }),
    };
  }
}
