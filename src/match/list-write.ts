// Writing hash lists as CSV (hash, id, metadata columns), plain text (one hash per line) or JSONL.
import { toHex } from '../hash/bits.js';
import { csvRow } from '../util/csv.js';
import { entryHash, type HashList } from './hash-list.js';
import type { HashListFormat } from './list-read.js';
import { writeFileAtomic } from '../util/atomic-write.js';

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

/** The list's lines joined into chunks of about 1 MiB. */
function* lineChunks(list: HashList, format: HashListFormat): Generator<string> {
  let chunk = '';
  for (const line of hashListLines(list, format)) {
    chunk += line + '\n';
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

/** Writes a list to a file, in chunks. */
export async function writeHashList(path: string, list: HashList, format: HashListFormat): Promise<void> {
  await writeFileAtomic(path, lineChunks(list, format));
}
