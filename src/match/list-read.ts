// Reading hash lists (CSV, plain text, JSONL), validating every row against the declared algorithm.
import { extname } from 'node:path';
import { fromHex } from '../hash/bits.js';
import { HashError } from '../hash/types.js';
import { CsvSyntaxError, csvRecords, parseCsvRecord } from './csv.js';
import { MatchError } from './errors.js';
import type { HashList, MetadataColumn } from './hash-list.js';
import { readLines, type NumberedLine } from './lines.js';
import { PackedHashBuilder } from './packed.js';
import { StringColumnBuilder } from './string-column.js';

export type HashListFormat = 'csv' | 'text' | 'jsonl';

export interface ReadHashListOptions {
  /** The algorithm every hash must belong to, e.g. `pdq`. */
  algo: string;
  /** Its bit length; when omitted it is read off the first hash (4 bits per hex digit) and every other row must agree. */
  nbits?: number;
  /** Default: from the extension (.csv, .jsonl/.ndjson, anything else plain text). */
  format?: HashListFormat;
  /** Skip invalid rows (and report them) instead of failing on the first. */
  skipInvalid?: boolean;
  /** Pack the hashes on a SharedArrayBuffer, for worker threads. */
  shared?: boolean;
}

/** A row that was skipped, with where it is and why. */
export interface InvalidRow {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface ReadHashListResult {
  readonly list: HashList;
  readonly invalid: readonly InvalidRow[];
}

export function formatFromPath(path: string): HashListFormat {
  const ext = extname(path).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : 'text';
}

/** Accumulates validated rows: packed hashes, ids and metadata columns (columns may appear late, as in JSONL). */
class ListAccumulator {
  private packed: PackedHashBuilder | null = null;
  private nbits: number | undefined;
  private nbitsLine = 0;
  private readonly ids = new StringColumnBuilder();
  private hasIds = false;
  private readonly columns = new Map<string, StringColumnBuilder>();
  readonly invalid: InvalidRow[] = [];

  constructor(
    private readonly file: string,
    private readonly options: ReadHashListOptions,
  ) {
    this.nbits = options.nbits;
  }

  /** Records a bad row: thrown unless invalid rows are skipped. */
  reject(line: number, message: string): void {
    const row = { file: this.file, line, message };
    if (!this.options.skipInvalid) throw new MatchError('invalid-row', `${this.file}:${line}: ${message}`);
    this.invalid.push(row);
  }

  /** Validates and adds one row; returns false if it was rejected. */
  add(line: number, hex: string, id: string | undefined, metadata: ReadonlyMap<string, string>): boolean {
    const { algo } = this.options;
    const clean = hex.trim();
    if (clean === '') {
      this.reject(line, 'empty hash');
      return false;
    }
    if (this.nbits === undefined) {
      if (!/^[0-9a-fA-F]+$/.test(clean)) {
        this.reject(line, `${algo} hash has a non-hex character: "${clean}"`);
        return false;
      }
      this.nbits = clean.length * 4;
      this.nbitsLine = line;
    } else if (this.options.nbits === undefined && clean.length * 4 !== this.nbits && /^[0-9a-fA-F]+$/.test(clean)) {
      throw new MatchError(
        'mixed-lengths',
        `${this.file}:${line}: mixed bit lengths: a ${clean.length * 4}-bit hash after ${this.nbits}-bit ones (line ${this.nbitsLine})`,
      );
    }
    let bits: Uint8Array;
    try {
      bits = fromHex(algo, this.nbits, clean).bits;
    } catch (e) {
      if (!(e instanceof HashError)) throw e;
      this.reject(line, e.message);
      return false;
    }
    this.packed ??= new PackedHashBuilder(this.nbits);
    const row = this.packed.count;
    this.packed.push(bits);
    if (id !== undefined && !this.hasIds) {
      this.hasIds = true;
      for (let i = 0; i < row; i++) this.ids.push('');
    }
    if (this.hasIds) this.ids.push(id ?? '');
    for (const [name, value] of metadata) {
      let column = this.columns.get(name);
      if (!column) {
        column = new StringColumnBuilder();
        for (let i = 0; i < row; i++) column.push('');
        this.columns.set(name, column);
      }
      column.push(value);
    }
    for (const column of this.columns.values()) if (column.count === row) column.push('');
    return true;
  }

  finish(): ReadHashListResult {
    if (this.nbits === undefined)
      throw new MatchError('format', `${this.file}: no hashes, so their bit length is unknown (give it explicitly)`);
    const packed = this.packed ?? new PackedHashBuilder(this.nbits, 1);
    const columns: MetadataColumn[] = [...this.columns].map(([name, b]) => ({ name, values: b.finish() }));
    const list: HashList = {
      algo: this.options.algo,
      hashes: packed.finish(this.options.shared),
      ids: this.hasIds ? this.ids.finish() : null,
      columns,
    };
    return { list, invalid: this.invalid };
  }
}

const NO_METADATA: ReadonlyMap<string, string> = new Map();

async function readText(lines: AsyncIterable<NumberedLine>, acc: ListAccumulator): Promise<void> {
  for await (const { text, line } of lines) {
    const hash = text.replace(/#.*/, '').trim();
    if (hash === '') continue;
    if (/\s/.test(hash)) acc.reject(line, 'expected one hash per line');
    else acc.add(line, hash, undefined, NO_METADATA);
  }
}

async function readJsonl(lines: AsyncIterable<NumberedLine>, acc: ListAccumulator): Promise<void> {
  for await (const { text, line } of lines) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      acc.reject(line, 'not valid JSON');
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      acc.reject(line, 'expected a JSON object');
      continue;
    }
    const { hash, id, ...rest } = value as Record<string, unknown>;
    if (typeof hash !== 'string') {
      acc.reject(line, 'no "hash" string');
      continue;
    }
    if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') {
      acc.reject(line, '"id" must be a string or a number');
      continue;
    }
    const metadata = new Map(Object.entries(rest).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    acc.add(line, hash, id === undefined ? undefined : String(id), metadata);
  }
}

async function readCsv(
  file: string,
  lines: AsyncIterable<NumberedLine>,
  acc: ListAccumulator,
  algo: string,
): Promise<void> {
  let header: string[] | null = null;
  let hashCol = -1;
  let idCol = -1;
  let algoCol = -1;
  let rowsOfAlgo = 0;
  const otherAlgos = new Set<string>();
  for await (const { text, line } of csvRecords(lines)) {
    if (text.trim() === '') continue;
    let fields: string[];
    try {
      fields = parseCsvRecord(text);
    } catch (e) {
      if (!(e instanceof CsvSyntaxError)) throw e;
      if (header === null) throw new MatchError('format', `${file}:${line}: bad CSV header: ${e.message}`);
      acc.reject(line, `bad CSV: ${e.message}`);
      continue;
    }
    if (header === null) {
      header = fields.map((f) => f.trim());
      const duplicate = header.find((h, i) => header!.indexOf(h) !== i);
      if (duplicate !== undefined)
        throw new MatchError('format', `${file}:${line}: column "${duplicate}" appears twice in the header`);
      hashCol = header.indexOf('hash');
      // `scanlab hash` output names its rows by their `file` column.
      idCol = header.includes('id') ? header.indexOf('id') : header.indexOf('file');
      algoCol = header.indexOf('algo');
      if (hashCol < 0)
        throw new MatchError(
          'format',
          `${file}:${line}: no "hash" column in the CSV header (columns: ${header.join(', ')})`,
        );
      continue;
    }
    if (fields.length !== header.length) {
      acc.reject(line, `expected ${header.length} fields, got ${fields.length}`);
      continue;
    }
    const rowAlgo = algoCol >= 0 ? fields[algoCol]!.trim() : algo;
    if (rowAlgo !== algo) {
      // A list may hold several algorithms (as `scanlab hash --algo pdq,phash` writes): take the one asked for.
      otherAlgos.add(rowAlgo);
      continue;
    }
    rowsOfAlgo++;
    const metadata = new Map<string, string>();
    header.forEach((name, i) => {
      if (i !== hashCol && i !== idCol && i !== algoCol) metadata.set(name, fields[i]!);
    });
    acc.add(line, fields[hashCol]!, idCol >= 0 ? fields[idCol] : undefined, metadata);
  }
  if (header === null)
    throw new MatchError('format', `${file}: empty CSV file, expected a header with a "hash" column`);
  if (rowsOfAlgo === 0 && otherAlgos.size > 0)
    throw new MatchError('format', `${file}: no ${algo} rows (the list holds ${[...otherAlgos].sort().join(', ')})`);
}

/** The algorithm in the first data row's `algo` column of a CSV hash list, or undefined without such a column. */
export async function csvListAlgorithm(path: string): Promise<string | undefined> {
  let algoCol: number | null = null;
  for await (const { text } of csvRecords(readLines(path))) {
    if (text.trim() === '') continue;
    let fields: string[];
    try {
      fields = parseCsvRecord(text);
    } catch {
      return undefined;
    }
    if (algoCol === null) {
      algoCol = fields.map((f) => f.trim()).indexOf('algo');
      if (algoCol < 0) return undefined;
      continue;
    }
    const algo = fields[algoCol]?.trim();
    if (algo) return algo;
  }
  return undefined;
}

/** Reads a hash list, validating each row; invalid rows fail the read with file:line, or are skipped and listed. */
export async function readHashList(path: string, options: ReadHashListOptions): Promise<ReadHashListResult> {
  const acc = new ListAccumulator(path, options);
  const lines = readLines(path);
  const format = options.format ?? formatFromPath(path);
  if (format === 'csv') await readCsv(path, lines, acc, options.algo);
  else if (format === 'jsonl') await readJsonl(lines, acc);
  else await readText(lines, acc);
  return acc.finish();
}
