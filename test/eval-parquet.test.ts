// Parquet exports read back by an independent reader (DuckDB): the same rows, the documented column types, and the
// run id in the file's metadata; `scanlab runs export --format parquet` writes the same file.
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { exportRows, type ExportRow } from '../src/eval/export.js';
import { EXPORT_COLUMN_TYPES, parquetColumnType, rowsToParquet } from '../src/eval/parquet.js';
import { getHasher } from '../src/hash/registry.js';
import { decodeImage } from '../src/image/decode.js';
import { pipelineExportRows } from '../src/pipeline/export.js';
import { DEFAULT_PIPELINE_CONFIG, runPipeline } from '../src/pipeline/run.js';
import { storePipelineRun } from '../src/pipeline/store-run.js';
import { runCli } from './helpers/cli.js';
import { scratchDir } from './helpers/images.js';
import { buildReportFixture, type ReportFixture } from './helpers/report-fixture.js';

const scratch = scratchDir('parquet');
let fx: ReportFixture;

beforeAll(async () => {
  fx = await buildReportFixture(scratch.dir, 6);
});
afterAll(() => {
  fx.store.close();
  scratch.cleanup();
});

const DUCK_TYPES = { STRING: 'VARCHAR', INT64: 'BIGINT', DOUBLE: 'DOUBLE' } as const;

/** Rows as DuckDB reads them, with BIGINT turned back into numbers, plus the column names and SQL types. */
async function readParquet(path: string): Promise<{ names: string[]; types: string[]; rows: ExportRow[] }> {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
  const names = reader.columnNames();
  const rows = reader
    .getRows()
    .map((r) =>
      Object.fromEntries(
        names.map((n, i) => [n, typeof r[i] === 'bigint' ? Number(r[i]) : (r[i] as string | number | null)]),
      ),
    );
  return { names, types: reader.columnTypes().map(String), rows };
}

async function metadataOf(path: string): Promise<Record<string, string>> {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const reader = await connection.runAndReadAll(
    `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${path}')`,
  );
  return Object.fromEntries(reader.getRows().map(([k, v]) => [String(k), String(v)]));
}

describe('Parquet exports', () => {
  it.each([
    ['robustness rows', () => exportRows(fx.store, fx.robustness.run.id)],
    ['FPR histogram', () => exportRows(fx.store, fx.fpr.run.id, 'histogram')],
    ['FPR hashes', () => exportRows(fx.store, fx.fpr.run.id, 'hashes')],
  ])('%s: DuckDB reads back exactly the exported rows with the documented types', async (_what, make) => {
    const { columns, rows } = make();
    expect(rows.length).toBeGreaterThan(0);
    const path = join(scratch.dir, `${_what.replace(/ /g, '-')}.parquet`);
    writeFileSync(path, rowsToParquet(columns, rows, { 'scanlab.run': 'r1' }));
    const back = await readParquet(path);
    expect(back.names).toEqual(columns);
    expect(back.types).toEqual(columns.map((c) => DUCK_TYPES[EXPORT_COLUMN_TYPES[c]!]));
    expect(back.rows).toEqual(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))));
    expect((await metadataOf(path))['scanlab.run']).toBe('r1');
  });

  it('pipeline runs: one row per message with timings as DOUBLE and bytes as INT64, read back by DuckDB', async () => {
    const dir = new URL('../datasets/sample/images/', import.meta.url).pathname;
    const names = readdirSync(dir)
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .slice(0, 4);
    const photos = names.map((name, i) => ({
      name,
      bytes: new Uint8Array(readFileSync(join(dir, name))),
      account: i % 2,
    }));
    const pdq = getHasher('pdq');
    const database = [await pdq.hash(await decodeImage(photos[0]!.bytes))];
    const result = await runPipeline({ ...DEFAULT_PIPELINE_CONFIG, protocol: 'plaintext' }, photos, database);
    const { runId } = storePipelineRun(fx.store, result);
    const { columns, rows } = pipelineExportRows(fx.store, runId);
    expect(rows.map((r) => r.photo)).toEqual(names);
    expect(rows.map((r) => r.real_match)).toEqual([1, 0, 0, 0]);
    const path = join(scratch.dir, 'pipeline.parquet');
    writeFileSync(path, rowsToParquet(columns, rows));
    const back = await readParquet(path);
    expect(back.rows).toEqual(rows);
    const typeOf = (c: string) => back.types[columns.indexOf(c)];
    expect([typeOf('total_ms'), typeOf('record_bytes'), typeOf('photo'), typeOf('revealed')]).toEqual([
      'DOUBLE',
      'BIGINT',
      'VARCHAR',
      'BIGINT',
    ]);
  });

  it('infers the type of a column it does not document, and refuses a value that does not fit', () => {
    expect(parquetColumnType('n', [1, 2, null])).toBe('INT64');
    expect(parquetColumnType('x', [1, 2.5])).toBe('DOUBLE');
    expect(parquetColumnType('s', [1, 'a'])).toBe('STRING');
    expect(parquetColumnType('empty', [null])).toBe('STRING');
    expect(() => rowsToParquet(['distance'], [{ distance: 1.5 }])).toThrow(/distance: 1.5 is not an integer/);
  });

  it('scanlab runs export --format parquet writes the file the library writes, and needs --out', async () => {
    const out = join(scratch.dir, 'cli.parquet');
    const r = runCli(['runs', 'export', fx.fpr.run.id, '--store', fx.storePath, '--format', 'parquet', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { columns, rows } = exportRows(fx.store, fx.fpr.run.id);
    expect((await readParquet(out)).rows).toEqual(
      rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]]))),
    );
    expect(await metadataOf(out)).toMatchObject({ 'scanlab.run': fx.fpr.run.id, 'scanlab.kind': 'fpr' });
    const noOut = runCli(['runs', 'export', fx.fpr.run.id, '--store', fx.storePath, '--format', 'parquet']);
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toMatch(/--out FILE/);
  });
});
