// Hash lists: CSV / text / JSONL readers and writers, round trips, and every validation error with file:line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../src/hash/bits.js';
import { parseCsvRecord } from '../src/match/csv.js';
import { csvRow } from '../src/util/csv.js';
import { MatchError } from '../src/match/errors.js';
import { entryHash, entryId, entryMetadata, hashListFromHashes, type HashList } from '../src/match/hash-list.js';
import {
  csvListAlgorithm,
  readHashList,
  type HashListFormat,
  type ReadHashListOptions,
} from '../src/match/list-read.js';
import { hashListLines, writeHashList } from '../src/match/list-write.js';
import { unpackHash } from '../src/match/packed.js';
import { readHashCsv } from '../src/match/query-csv.js';
import { randomHashes } from '../src/match/synthetic.js';
import { createPrng } from '../src/util/prng.js';

const dir = mkdtempSync(join(tmpdir(), 'scanlab-lists-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function file(name: string, text: string): string {
  const path = join(dir, `${fileNo++}-${name}`);
  writeFileSync(path, text);
  return path;
}

const H64 = ['0123456789abcdef', 'fedcba9876543210', '00000000000000ff', 'ffffffffffffffff'];
const PHASH: ReadHashListOptions = { algo: 'phash', nbits: 64 };

const hexes = (list: HashList): string[] =>
  Array.from({ length: list.hashes.count }, (_, i) => toHex(entryHash(list, i)));
const ids = (list: HashList): string[] => Array.from({ length: list.hashes.count }, (_, i) => entryId(list, i));

async function readError(path: string, options: ReadHashListOptions): Promise<MatchError> {
  const e = await readHashList(path, options).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(MatchError);
  expect((e as Error).message).not.toContain('\n');
  return e as MatchError;
}

describe('CSV records', () => {
  it('parses quoted fields with commas, doubled quotes and line breaks, and writes them back', () => {
    const fields = ['plain', 'with, comma', 'say "hi"', 'two\nlines', '', ' spaced '];
    const row = csvRow(fields);
    expect(row).toBe('plain,"with, comma","say ""hi""","two\nlines",, spaced ');
    expect(parseCsvRecord(row)).toEqual(fields);
    expect(parseCsvRecord('a,,b,')).toEqual(['a', '', 'b', '']);
    expect(() => parseCsvRecord('"open,b')).toThrow(/unterminated/);
    expect(() => parseCsvRecord('"a"b,c')).toThrow(/after a quoted field/);
    expect(() => parseCsvRecord('a"b,c')).toThrow(/quote inside an unquoted field/);
  });
});

describe('reading lists', () => {
  it('reads CSV with ids, metadata (quoted, multi-line) and CRLF endings', async () => {
    const path = file(
      'list.csv',
      '\uFEFFlabel,hash,id,source\r\n"cat, black",0123456789ABCDEF,a1,x\r\n"two\nlines",fedcba9876543210,a2,y\r\n\r\ndog,00000000000000ff,a3,"z ""q"""\r\n',
    );
    const { list, invalid } = await readHashList(path, PHASH);
    expect(invalid).toEqual([]);
    expect(hexes(list)).toEqual(H64.slice(0, 3));
    expect(ids(list)).toEqual(['a1', 'a2', 'a3']);
    expect(entryMetadata(list, 0)).toEqual({ label: 'cat, black', source: 'x' });
    expect(entryMetadata(list, 1)).toEqual({ label: 'two\nlines', source: 'y' });
    expect(entryMetadata(list, 2)).toEqual({ label: 'dog', source: 'z "q"' });
    expect(list.algo).toBe('phash');
    expect(list.hashes.nbits).toBe(64);
  });

  it('reads plain text with comments and blank lines; entries without ids are named by position', async () => {
    const path = file('list.txt', `# a header comment\n${H64[0]}\n\n${H64[1]}   # trailing comment\n  ${H64[2]}\n`);
    const { list } = await readHashList(path, PHASH);
    expect(hexes(list)).toEqual(H64.slice(0, 3));
    expect(list.ids).toBeNull();
    expect(ids(list)).toEqual(['0', '1', '2']);
  });

  it('reads JSONL with ids of either type and metadata keys that appear late', async () => {
    const lines = [{ hash: H64[0], id: 7 }, { hash: H64[1], id: 'b', label: 'x', n: 3 }, { hash: H64[2] }].map((o) =>
      JSON.stringify(o),
    );
    const { list } = await readHashList(file('list.jsonl', lines.join('\n')), PHASH);
    expect(hexes(list)).toEqual(H64.slice(0, 3));
    expect(ids(list)).toEqual(['7', 'b', '']);
    expect(entryMetadata(list, 0)).toEqual({ label: '', n: '' });
    expect(entryMetadata(list, 1)).toEqual({ label: 'x', n: '3' });
    expect(entryMetadata(list, 2)).toEqual({ label: '', n: '' });
  });

  it('infers the bit length from the first hash when it is not given', async () => {
    const { list } = await readHashList(file('nbits.txt', `${'ab'.repeat(12)}\n${'cd'.repeat(12)}\n`), {
      algo: 'neuralhash',
    });
    expect(list.hashes.nbits).toBe(96);
    expect(list.hashes.words).toBe(3);
  });

  it('honours an explicit format over the extension', async () => {
    const { list } = await readHashList(file('list.dat', `hash\n${H64[3]}\n`), { ...PHASH, format: 'csv' });
    expect(hexes(list)).toEqual([H64[3]]);
  });
});

describe('lists written by scanlab hash', () => {
  it('take the rows of the algorithm asked for, named by their file column, and say which algorithm they hold', async () => {
    const path = file(
      'hashes.csv',
      `file,algo,hash,quality,error\na.jpg,phash,${H64[0]},,\na.jpg,dhash,${H64[1]},,\nb.jpg,phash,${H64[1]},,\n`,
    );
    const { list } = await readHashList(path, { algo: 'phash' });
    expect([0, 1].map((i) => [entryId(list, i), toHex(entryHash(list, i))])).toEqual([
      ['a.jpg', H64[0]],
      ['b.jpg', H64[1]],
    ]);
    expect(list.hashes.count).toBe(2);
    expect(await csvListAlgorithm(path)).toBe('phash');
    expect(await csvListAlgorithm(file('plain.csv', `hash,id\n${H64[0]},x\n`))).toBeUndefined();
    await expect(
      readHashList(file('algo.csv', `file,algo,hash\nx.jpg,dhash,${H64[0]}\n`), { algo: 'phash' }),
    ).rejects.toThrow(/algo\.csv: no phash rows \(the list holds dhash\)$/);
  });
});

describe('validation', () => {
  it('fails on the first bad row with file and line, for every kind of bad row', async () => {
    const cases: [string, string, RegExp][] = [
      ['short.csv', `hash\n${H64[0]}\n${H64[1]!.slice(1)}\n`, /:3: phash hash must have 16 hex digits, got 15$/],
      ['char.csv', `hash\n${H64[0]}\n0123456789abcdeg\n`, /:3: phash hash has a non-hex character/],
      ['empty.csv', `hash,id\n,a\n`, /:2: empty hash$/],
      ['fields.csv', `hash,id\n${H64[0]},a,extra\n`, /:2: expected 2 fields, got 3$/],
      ['quote.csv', `hash,id\n${H64[0]},"a"b\n`, /:2: bad CSV: unexpected character after a quoted field/],
      ['long.txt', `${H64[0]}\n\n${H64[0]}0\n`, /:3: phash hash must have 16 hex digits, got 17$/],
      ['two.txt', `${H64[0]} ${H64[1]}\n`, /:1: expected one hash per line$/],
      ['json.jsonl', `{"hash":"${H64[0]}"}\n{"hash":\n`, /:2: not valid JSON$/],
      ['array.jsonl', `[1]\n`, /:1: expected a JSON object$/],
      ['nohash.jsonl', `{"id":"a"}\n`, /:1: no "hash" string$/],
      ['badid.jsonl', `{"hash":"${H64[0]}","id":{}}\n`, /:1: "id" must be a string or a number$/],
    ];
    for (const [name, text, pattern] of cases) {
      const path = file(name, text);
      const e = await readError(path, PHASH);
      expect(e.kind, name).toBe('invalid-row');
      expect(e.message.startsWith(`${path}:`), name).toBe(true);
      expect(e.message, name).toMatch(pattern);
    }
  });

  it('rejects padding bits above the hash length', async () => {
    const e = await readError(file('pad.txt', '7ffffffffff\n'), { algo: 'colorhash', nbits: 42 });
    expect(e.message).toMatch(/:1: colorhash hash "7ffffffffff" has bits set above its 42-bit length$/);
  });

  it('skips and reports invalid rows with --skip-invalid', async () => {
    const path = file('mixed.csv', `hash,id\n${H64[0]},a\nzz,b\n${H64[1]},c\n${H64[2]},d,e\n${H64[3]},f\n`);
    const { list, invalid } = await readHashList(path, { ...PHASH, skipInvalid: true });
    expect(hexes(list)).toEqual([H64[0], H64[1], H64[3]]);
    expect(ids(list)).toEqual(['a', 'c', 'f']);
    expect(invalid.map((r) => [r.file, r.line])).toEqual([
      [path, 3],
      [path, 5],
    ]);
    expect(invalid[0]!.message).toMatch(/must have 16 hex digits/);
  });

  it('treats mixed bit lengths as an error even when skipping invalid rows', async () => {
    const path = file('mixed.txt', `${H64[0]}\n${'ab'.repeat(32)}\n`);
    const e = await readError(path, { algo: 'unknown', skipInvalid: true });
    expect(e.kind).toBe('mixed-lengths');
    expect(e.message).toBe(`${path}:2: mixed bit lengths: a 256-bit hash after 64-bit ones (line 1)`);
  });

  it('fails cleanly on files that are not lists', async () => {
    expect((await readError(join(dir, 'missing.csv'), PHASH)).message).toBe(
      `${join(dir, 'missing.csv')}: no such file`,
    );
    expect((await readError(file('nohash.csv', 'id,label\na,b\n'), PHASH)).message).toMatch(
      /:1: no "hash" column in the CSV header \(columns: id, label\)$/,
    );
    expect((await readError(file('dup.csv', 'hash,hash\n'), PHASH)).message).toMatch(/column "hash" appears twice/);
    expect((await readError(file('empty.csv', ''), PHASH)).message).toMatch(/empty CSV file/);
    expect((await readError(file('none.txt', '# nothing\n'), { algo: 'x' })).message).toMatch(
      /no hashes, so their bit length is unknown/,
    );
  });

  it('reads an empty list when the bit length is known', async () => {
    const { list } = await readHashList(file('none.txt', '# nothing\n'), PHASH);
    expect(list.hashes.count).toBe(0);
  });
});

describe('writing lists', () => {
  const rng = createPrng(31);
  const packed = randomHashes(300, 256, rng);
  const hashes = Array.from({ length: packed.count }, (_, i) => unpackHash(packed, 'pdq', i));
  const names = hashes.map((_, i) => (i % 7 === 0 ? `id "${i}", quoted\nline` : `id${i}`));
  const list = hashListFromHashes(hashes, names);

  for (const format of ['csv', 'jsonl', 'text'] as HashListFormat[]) {
    it(`round-trips through ${format}`, async () => {
      const path = join(dir, `round.${format === 'text' ? 'txt' : format}`);
      await writeHashList(path, list, format);
      const { list: back } = await readHashList(path, { algo: 'pdq', nbits: 256 });
      expect(back.hashes.count).toBe(300);
      expect(Array.from(back.hashes.data)).toEqual(Array.from(packed.data));
      expect(ids(back)).toEqual(format === 'text' ? names.map((_, i) => String(i)) : names);
    });
  }

  it('keeps metadata columns through CSV and JSONL', async () => {
    const path = file('meta.csv', `hash,id,label\n${H64[0]},a,"x, y"\n${H64[1]},b,z\n`);
    const { list: source } = await readHashList(path, PHASH);
    for (const format of ['csv', 'jsonl'] as HashListFormat[]) {
      const out = join(dir, `meta-out.${format}`);
      await writeHashList(out, source, format);
      const { list: back } = await readHashList(out, PHASH);
      expect(entryMetadata(back, 0)).toEqual({ label: 'x, y' });
      expect(ids(back)).toEqual(['a', 'b']);
    }
    expect([...hashListLines(source, 'csv')]).toEqual(['hash,id,label', `${H64[0]},a,"x, y"`, `${H64[1]},b,z`]);
  });
});

describe('scanlab hash CSV', () => {
  it('reads rows with quality and error fields', async () => {
    const path = file(
      'q.csv',
      `file,algo,hash,quality,error\n"a,b.jpg",pdq,${'0'.repeat(64)},87,\nc.jpg,pdq,,,"cannot decode"\n`,
    );
    const rows = [];
    for await (const row of readHashCsv(path)) rows.push(row);
    expect(rows).toEqual([
      { file: 'a,b.jpg', algo: 'pdq', hash: '0'.repeat(64), quality: 87 },
      { file: 'c.jpg', algo: 'pdq', hash: '', error: 'cannot decode' },
    ]);
  });
});
