// The `.scanidx` file: a versioned binary image of a MatchIndex (hashes, ids, metadata, MIH tables) with a SHA-256 checksum.
//
// Layout (all integers little-endian):
//   0   8  magic "SCANIDX\0"
//   8   4  format version (1)
//   12  4  header length H
//   16  H  header: UTF-8 JSON {algo, nbits, words, count, designRadius, tables: [{start, width, blockShift}],
//          ids, columns, sections: [{name, byteLength}]}, padded with spaces to a multiple of 8 bytes
//   ...    the sections in header order, each padded with zeros to a multiple of 8 bytes
//   end-32 SHA-256 of every byte before it
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { MatchError } from './errors.js';
import type { HashList, MetadataColumn } from './hash-list.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { MatchIndex } from './match-index.js';
import { wordsFor } from './packed.js';
import { StringColumn } from './string-column.js';
import type { SubstringTable } from './substring-table.js';
import { MAX_SUBSTRING_WIDTH } from './substring.js';

const INDEX_MAGIC = 'SCANIDX\0';
/** The extension of index files: a file so named must be one. */
export const INDEX_EXTENSION = '.scanidx';
export const INDEX_FORMAT_VERSION = 1;
const PREFIX_BYTES = 16;
const CHECKSUM_BYTES = 32;

interface SectionInfo {
  name: string;
  byteLength: number;
}

interface IndexHeader {
  algo: string;
  nbits: number;
  words: number;
  count: number;
  designRadius: number;
  tables: { start: number; width: number; blockShift: number }[];
  ids: boolean;
  columns: string[];
  sections: SectionInfo[];
}

const pad8 = (n: number): number => (n + 7) & ~7;

function assertLittleEndian(): void {
  if (endianness() !== 'LE')
    throw new MatchError('argument', 'index files can only be read and written on little-endian machines');
}

/** The named byte views that make up an index, in file order. */
function sectionsOf(index: MatchIndex): [string, ArrayBufferView][] {
  const { list } = index;
  const out: [string, ArrayBufferView][] = [['hashes', list.hashes.data]];
  if (list.ids) out.push(['ids.offsets', list.ids.offsets], ['ids.bytes', list.ids.bytes]);
  list.columns.forEach((c, i) =>
    out.push([`column.${i}.offsets`, c.values.offsets], [`column.${i}.bytes`, c.values.bytes]),
  );
  index.tables.forEach((t, i) =>
    out.push([`table.${i}.base`, t.blockBase], [`table.${i}.offsets`, t.bucketOffset], [`table.${i}.ids`, t.ids]),
  );
  return out;
}

const bytesOf = (v: ArrayBufferView): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** The file's bytes as a list of chunks (views onto the index's memory where possible). */
export function encodeIndex(index: MatchIndex): Buffer[] {
  assertLittleEndian();
  const { list } = index;
  const sections = sectionsOf(index);
  const header: IndexHeader = {
    algo: list.algo,
    nbits: list.hashes.nbits,
    words: list.hashes.words,
    count: list.hashes.count,
    designRadius: index.designRadius,
    tables: index.tables.map(({ start, width, blockShift }) => ({ start, width, blockShift })),
    ids: list.ids !== null,
    columns: list.columns.map((c) => c.name),
    sections: sections.map(([name, v]) => ({ name, byteLength: v.byteLength })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerBytes = Buffer.alloc(pad8(json.length), 0x20);
  json.copy(headerBytes);
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix.write(INDEX_MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(INDEX_FORMAT_VERSION, 8);
  prefix.writeUInt32LE(headerBytes.length, 12);
  const chunks: Buffer[] = [prefix, headerBytes];
  for (const [, view] of sections) {
    chunks.push(bytesOf(view));
    const padding = pad8(view.byteLength) - view.byteLength;
    if (padding > 0) chunks.push(Buffer.alloc(padding));
  }
  const sha = createHash('sha256');
  for (const c of chunks) sha.update(c);
  chunks.push(sha.digest());
  return chunks;
}

/** Writes an index file atomically (a failure leaves any previous file intact). */
export async function saveIndex(path: string, index: MatchIndex): Promise<void> {
  await writeFileAtomic(path, encodeIndex(index));
}

/** Whether bytes start like an index file. */
export const looksLikeIndex = (bytes: Uint8Array): boolean =>
  Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(8, bytes.byteLength)).toString('latin1') === INDEX_MAGIC;

function parseHeader(file: Buffer, source: string): IndexHeader {
  if (file.length < PREFIX_BYTES)
    throw new MatchError('truncated', `${source}: truncated index file (${file.length} bytes)`);
  if (!looksLikeIndex(file)) throw new MatchError('format', `${source}: not a scanlab index file (bad magic bytes)`);
  const version = file.readUInt32LE(8);
  if (version !== INDEX_FORMAT_VERSION) {
    throw new MatchError(
      'version',
      `${source}: index format version ${version} is not supported (this scanlab reads version ${INDEX_FORMAT_VERSION})`,
    );
  }
  const headerLength = file.readUInt32LE(12);
  if (PREFIX_BYTES + headerLength + CHECKSUM_BYTES > file.length)
    throw new MatchError('truncated', `${source}: truncated index file (the header runs past the end)`);
  try {
    return JSON.parse(file.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerLength)) as IndexHeader;
  } catch {
    throw new MatchError('corrupt', `${source}: corrupted index file (unreadable header)`);
  }
}

/** Checks that the header describes a consistent index; returns the byte length each section must have. */
function expectedSections(h: IndexHeader): Map<string, number | null> {
  const ok =
    typeof h.algo === 'string' &&
    Number.isInteger(h.nbits) &&
    h.nbits > 0 &&
    h.words === wordsFor(h.nbits) &&
    Number.isInteger(h.count) &&
    h.count >= 0 &&
    Number.isInteger(h.designRadius) &&
    h.designRadius >= 0 &&
    Array.isArray(h.tables) &&
    Array.isArray(h.columns) &&
    Array.isArray(h.sections) &&
    h.tables.every(
      (t) =>
        Number.isInteger(t.start) &&
        Number.isInteger(t.width) &&
        t.width >= 1 &&
        t.width <= MAX_SUBSTRING_WIDTH &&
        t.start >= 0 &&
        t.start + t.width <= h.words * 32 &&
        Number.isInteger(t.blockShift) &&
        t.blockShift >= 0 &&
        t.blockShift <= t.width,
    );
  if (!ok) throw new Error('inconsistent header');
  const expected = new Map<string, number | null>([['hashes', h.count * h.words * 4]]);
  if (h.ids) expected.set('ids.offsets', (h.count + 1) * 4).set('ids.bytes', null);
  h.columns.forEach((_, i) => expected.set(`column.${i}.offsets`, (h.count + 1) * 4).set(`column.${i}.bytes`, null));
  h.tables.forEach((t, i) => {
    const buckets = 2 ** t.width;
    expected
      .set(`table.${i}.base`, ((buckets >> t.blockShift) + 1) * 4)
      .set(`table.${i}.offsets`, (buckets + 1) * 2)
      .set(`table.${i}.ids`, h.count * 4);
  });
  return expected;
}

/** Reads an index from the bytes of a file; truncated, corrupted or unknown-version files are a MatchError. */
export function decodeIndex(file: Buffer, source = 'index'): MatchIndex {
  assertLittleEndian();
  const header = parseHeader(file, source);
  const sections = Array.isArray(header.sections) ? header.sections : [];
  const headerEnd = PREFIX_BYTES + file.readUInt32LE(12);
  const total = sections.reduce((sum, s) => sum + pad8(Number(s.byteLength) || 0), headerEnd) + CHECKSUM_BYTES;
  if (file.length < total)
    throw new MatchError('truncated', `${source}: truncated index file (${file.length} of ${total} bytes)`);
  if (file.length > total)
    throw new MatchError(
      'corrupt',
      `${source}: corrupted index file (${file.length - total} unexpected trailing bytes)`,
    );
  const digest = createHash('sha256')
    .update(file.subarray(0, total - CHECKSUM_BYTES))
    .digest();
  if (!digest.equals(file.subarray(total - CHECKSUM_BYTES)))
    throw new MatchError('corrupt', `${source}: corrupted index file (checksum mismatch)`);

  let expected: Map<string, number | null>;
  try {
    expected = expectedSections(header);
  } catch {
    throw new MatchError('corrupt', `${source}: corrupted index file (inconsistent header)`);
  }
  const views = new Map<string, Buffer>();
  let at = headerEnd;
  for (const s of sections) {
    const want = expected.get(s.name);
    if (want === undefined || (want !== null && want !== s.byteLength) || views.has(s.name)) {
      throw new MatchError('corrupt', `${source}: corrupted index file (unexpected section "${s.name}")`);
    }
    views.set(s.name, file.subarray(at, at + s.byteLength));
    at += pad8(s.byteLength);
  }
  for (const name of expected.keys())
    if (!views.has(name))
      throw new MatchError('corrupt', `${source}: corrupted index file (missing section "${name}")`);

  /** A typed view of a section (copied only if the file's bytes are not aligned for it). */
  const view = <T>(
    name: string,
    Kind: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
  ): T => {
    const b = views.get(name)!;
    const src = b.byteOffset % Kind.BYTES_PER_ELEMENT === 0 ? b : new Uint8Array(b);
    return new Kind(src.buffer, src.byteOffset, src.byteLength / Kind.BYTES_PER_ELEMENT);
  };
  const strings = (prefix: string): StringColumn => {
    const offsets = view(`${prefix}.offsets`, Uint32Array);
    const bytes = views.get(`${prefix}.bytes`)!;
    for (let i = 0; i < offsets.length - 1; i++) {
      if (offsets[i]! > offsets[i + 1]!)
        throw new MatchError('corrupt', `${source}: corrupted index file (${prefix} offsets out of order)`);
    }
    if (offsets[0] !== 0 || offsets[offsets.length - 1] !== bytes.length)
      throw new MatchError('corrupt', `${source}: corrupted index file (${prefix} offsets do not cover the text)`);
    return new StringColumn(offsets, new Uint8Array(bytes));
  };

  const columns: MetadataColumn[] = header.columns.map((name, i) => ({
    name: String(name),
    values: strings(`column.${i}`),
  }));
  const list: HashList = {
    algo: header.algo,
    hashes: { nbits: header.nbits, words: header.words, count: header.count, data: view('hashes', Int32Array) },
    ids: header.ids ? strings('ids') : null,
    columns,
  };
  const tables: SubstringTable[] = header.tables.map((t, i) => {
    const blockBase = view(`table.${i}.base`, Int32Array);
    if (blockBase[0] !== 0 || blockBase[blockBase.length - 1] !== header.count)
      throw new MatchError('corrupt', `${source}: corrupted index file (table ${i} directory)`);
    return {
      start: t.start,
      width: t.width,
      blockShift: t.blockShift,
      blockBase,
      bucketOffset: view(`table.${i}.offsets`, Uint16Array),
      ids: view(`table.${i}.ids`, Int32Array),
    };
  });
  return { list, designRadius: header.designRadius, tables };
}

/** The bytes of a file on a SharedArrayBuffer, so that views onto them can be handed to worker threads. */
async function readShared(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(bytes, at, Math.min(size - at, 1 << 30), at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return Buffer.from(bytes.buffer, 0, at);
  } finally {
    await handle.close();
  }
}

export interface LoadIndexOptions {
  /** Read the file into shared memory, so that `MatchWorkers` can search the index from worker threads. */
  shared?: boolean;
}

/** Reads an index file. */
export async function loadIndex(path: string, options: LoadIndexOptions = {}): Promise<MatchIndex> {
  let file: Buffer;
  try {
    file = options.shared ? await readShared(path) : await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MatchError('unreadable', `${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return decodeIndex(file, path);
}
