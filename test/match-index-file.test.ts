// The .scanidx file: round trips (hashes, ids, metadata, tables), and truncated, corrupted or foreign files rejected.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MatchError } from '../src/match/errors.js';
import { entryId, entryMetadata, type HashList } from '../src/match/hash-list.js';
import { decodeIndex, encodeIndex, INDEX_FORMAT_VERSION, loadIndex, saveIndex } from '../src/match/index-file.js';
import { scanRadius } from '../src/match/linear-scan.js';
import { buildIndex, IndexSearcher, type MatchIndex } from '../src/match/match-index.js';
import { evenLayout } from '../src/match/mih-plan.js';
import { StringColumn } from '../src/match/string-column.js';
import { clusteredHashes, nearDuplicate } from '../src/match/synthetic.js';
import { createPrng } from '../src/util/prng.js';

const dir = mkdtempSync(join(tmpdir(), 'scanlab-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rng = createPrng(41);
const hashes = clusteredHashes(3000, 256, { centres: 40, maxFlips: 30 }, rng);
const list: HashList = {
  algo: 'pdq',
  hashes,
  ids: StringColumn.from(Array.from({ length: 3000 }, (_, i) => `photo-${i}-ü`)),
  columns: [{ name: 'label', values: StringColumn.from(Array.from({ length: 3000 }, (_, i) => (i % 2 ? 'odd' : ''))) }],
};
const layout = evenLayout(256, 16, 11);
const index = buildIndex(list, { radius: 31, layout });
const bytes = Buffer.concat(encodeIndex(index));

function decodeError(file: Buffer): MatchError {
  let caught: unknown = null;
  try {
    decodeIndex(file, 'db.scanidx');
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(MatchError);
  expect((caught as Error).message).not.toContain('\n');
  expect((caught as Error).message.startsWith('db.scanidx: ')).toBe(true);
  return caught as MatchError;
}

function sameIndex(a: MatchIndex, b: MatchIndex): void {
  expect(b.list.algo).toBe(a.list.algo);
  expect(b.designRadius).toBe(a.designRadius);
  expect(b.list.hashes.nbits).toBe(a.list.hashes.nbits);
  expect(Array.from(b.list.hashes.data)).toEqual(Array.from(a.list.hashes.data));
  expect(b.tables.length).toBe(a.tables.length);
  b.tables.forEach((t, i) => {
    const u = a.tables[i]!;
    expect([t.start, t.width, t.blockShift]).toEqual([u.start, u.width, u.blockShift]);
    expect(Array.from(t.ids)).toEqual(Array.from(u.ids));
    expect(Array.from(t.bucketOffset)).toEqual(Array.from(u.bucketOffset));
    expect(Array.from(t.blockBase)).toEqual(Array.from(u.blockBase));
  });
}

describe('index files', () => {
  it('round-trips through a file: hashes, ids, metadata, layout and tables', async () => {
    const path = join(dir, 'db.scanidx');
    await saveIndex(path, index);
    const back = await loadIndex(path);
    sameIndex(index, back);
    expect(entryId(back.list, 1234)).toBe('photo-1234-ü');
    expect(entryMetadata(back.list, 7)).toEqual({ label: 'odd' });
    const q = nearDuplicate(hashes, 99, 5, rng);
    const found = new IndexSearcher(back, { method: 'mih' }).radius(q, 31);
    expect(found).toEqual(scanRadius(hashes, q, 31));
    expect(found.length).toBeGreaterThan(0);
  });

  it('round-trips lists without ids or tables, and empty lists', () => {
    const bare = buildIndex({ ...list, ids: null, columns: [] }, { layout: [] });
    const back = decodeIndex(Buffer.concat(encodeIndex(bare)));
    sameIndex(bare, back);
    expect(back.list.ids).toBeNull();
    expect(entryId(back.list, 5)).toBe('5');
    const empty = buildIndex({
      algo: 'phash',
      hashes: { nbits: 64, words: 2, count: 0, data: new Int32Array(0) },
      ids: null,
      columns: [],
    });
    expect(decodeIndex(Buffer.concat(encodeIndex(empty))).list.hashes.count).toBe(0);
  });

  it('rejects truncated files at any length', () => {
    for (const length of [0, 5, 15, 40, 200, bytes.length >> 1, bytes.length - 33, bytes.length - 1]) {
      const e = decodeError(bytes.subarray(0, length));
      expect(e.kind, `length ${length}`).toBe('truncated');
      expect(e.message).toMatch(/truncated index file/);
    }
  });

  it('rejects a flipped bit anywhere by its checksum', () => {
    const header = bytes.readUInt32LE(12);
    for (const at of [16 + header + 3, bytes.length >> 1, bytes.length - 40, bytes.length - 1]) {
      const copy = Buffer.from(bytes);
      copy[at]! ^= 0x10;
      const e = decodeError(copy);
      expect(e.kind).toBe('corrupt');
      expect(e.message).toBe('db.scanidx: corrupted index file (checksum mismatch)');
    }
  });

  it('rejects trailing bytes, an unreadable header, foreign files and other versions', () => {
    expect(decodeError(Buffer.concat([bytes, Buffer.from([0])])).kind).toBe('corrupt');
    const header = Buffer.from(bytes);
    header[17] = 0x21;
    expect(decodeError(header).message).toMatch(/corrupted index file \(unreadable header\)|checksum mismatch/);
    const foreign = Buffer.from(bytes);
    foreign.write('PK', 0, 'latin1');
    expect(decodeError(foreign).kind).toBe('format');
    expect(decodeError(foreign).message).toBe('db.scanidx: not a scanlab index file (bad magic bytes)');
    const future = Buffer.from(bytes);
    future.writeUInt32LE(INDEX_FORMAT_VERSION + 1, 8);
    expect(decodeError(future).kind).toBe('version');
    expect(decodeError(future).message).toBe(
      `db.scanidx: index format version ${INDEX_FORMAT_VERSION + 1} is not supported (this scanlab reads version ${INDEX_FORMAT_VERSION})`,
    );
  });

  it('reports a missing file as unreadable', async () => {
    const path = join(dir, 'nope.scanidx');
    await expect(loadIndex(path)).rejects.toThrow(`${path}: no such file`);
  });

  it('is written byte-for-byte the same for the same index', () => {
    expect(Buffer.concat(encodeIndex(buildIndex(list, { radius: 31, layout }))).equals(bytes)).toBe(true);
  });
});
