// Writing hash lists as CSV (hash, id, metadata columns), plain text (one hash per line) or JSONL.
import { open } from 'node:fs/promises';
import { toHex } from '../hash/bits.js';
import { csvRow } from './csv.js';
import { MatchError } from './errors.js';
import { entryHash, type HashList } from './hash-list.js';
import type { HashListFormat } from './list-read.js';

/** The list's lines in a format, header first for CSV. Plain text keeps only the hashes. */
export function* hashListLines(list: HashList, format: HashListFormat): Generator<string> {
  const { count } = list.hashes;
  const names = list.columns.map((c) => c.name);
  if (format === 'csv') yield csvRow(['hash', ...(list.ids ? ['id'] : []), ...names]);
  for (let i = 0; i < count; i++) {
    const hex = toHex(entryHash(list, i));
    const values = list.columns.map((c) => c.values.get(i));
    if (format === 'text') yield hex;
    else if (format === 'csv') yield csvRow([hex, ...(list.ids ? [list.ids.get(i)] : []), ...values]);
    else {
      const record: Record<string, string> = { hash: hex };
      if (list.ids) record.id = list.ids.get(i);
      names.forEach((name, c) => (record[name] = values[c]!));
      yield JSON.stringify(record);
    }
  }
}

/** Writes a list to a file, in chunks. */
export async function writeHashList(path: string, list: HashList, format: HashListFormat): Promise<void> {
  let file;
  try {
    file = await open(path, 'w');
  } catch (e) {
    throw new MatchError('unreadable', `${path}: cannot write: ${(e as Error).message}`);
  }
  try {
    let chunk = '';
    for (const line of hashListLines(list, format)) {
      chunk += line + '\n';
      if (chunk.length >= 1 << 20) {
        await file.write(chunk);
        chunk = '';
      }
    }
    await file.write(chunk);
  } finally {
    await file.close();
  }
}
