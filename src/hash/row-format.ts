// The output contracts of `scanlab hash`: CSV `file,algo,hash,quality,error` and JSON Lines with the same fields.
// `error` holds a failure (hash empty) or a warning such as a low-quality note (hash present).
import { csvField } from '../util/csv.js';
import type { HashRow } from './hash-image.js';

export type RowFormat = 'csv' | 'jsonl';

export const CSV_HEADER = 'file,algo,hash,quality,error';

export function formatRow(row: HashRow, format: RowFormat): string {
  if (format === 'jsonl') {
    return JSON.stringify({
      file: row.file,
      algo: row.algo,
      hash: row.hash,
      quality: row.quality ?? null,
      error: row.error ?? row.note ?? null,
    });
  }
  return [
    row.file,
    row.algo,
    row.hash,
    row.quality === undefined ? '' : String(row.quality),
    row.error ?? row.note ?? '',
  ]
    .map(csvField)
    .join(',');
}
