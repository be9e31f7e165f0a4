// Parquet encoding of exported rows (`scanlab runs export --format parquet`): every column has a documented type,
// so pandas, DuckDB and Spark read the same schema from every run.
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ExportRow } from './export.js';

export type ParquetColumnType = 'STRING' | 'INT64' | 'DOUBLE';

/**
 * The type of each column that scanlab's exports name. Other columns: `*_ms` DOUBLE, `*_bytes` INT64, else INT64
 * when every value is an integer, DOUBLE when every value is a number, and STRING otherwise; nulls are allowed.
 */
export const EXPORT_COLUMN_TYPES: Readonly<Record<string, ParquetColumnType>> = {
  run: 'STRING',
  item: 'STRING',
  file: 'STRING',
  transform: 'STRING',
  algo: 'STRING',
  hash: 'STRING',
  original_hash: 'STRING',
  edited_hash: 'STRING',
  error: 'STRING',
  distance: 'INT64',
  pairs: 'INT64',
  sampled: 'INT64',
  quality: 'DOUBLE',
};

/** The Parquet type of one column: as documented, or inferred from its values. */
export function parquetColumnType(
  name: string,
  values: readonly (string | number | null | undefined)[],
): ParquetColumnType {
  const known = EXPORT_COLUMN_TYPES[name];
  if (known) return known;
  if (name.endsWith('_ms')) return 'DOUBLE';
  if (name.endsWith('_bytes')) return 'INT64';
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length > 0 && present.every((v) => typeof v === 'number'))
    return present.every((v) => Number.isSafeInteger(v)) ? 'INT64' : 'DOUBLE';
  return 'STRING';
}

function columnValues(type: ParquetColumnType, values: readonly (string | number | null | undefined)[], name: string) {
  return values.map((v) => {
    if (v === null || v === undefined) return null;
    if (type === 'STRING') return String(v);
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new RangeError(`column ${name}: ${String(v)} is not a number`);
    if (type === 'DOUBLE') return n;
    if (!Number.isSafeInteger(n)) throw new RangeError(`column ${name}: ${String(v)} is not an integer`);
    return BigInt(n);
  });
}

/** One Parquet file (Snappy-compressed) holding the rows, columns in the given order; `metadata` goes in its key-value metadata. */
export function rowsToParquet(
  columns: readonly string[],
  rows: readonly ExportRow[],
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const columnData = columns.map((name) => {
    const raw = rows.map((r) => r[name]);
    const type = parquetColumnType(name, raw);
    return { name, type, data: columnValues(type, raw, name) };
  });
  const kvMetadata = Object.entries(metadata).map(([key, value]) => ({ key, value }));
  return new Uint8Array(parquetWriteBuffer({ columnData, kvMetadata, createdBy: 'scanlab' }));
}
