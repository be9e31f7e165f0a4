// CLI contract of `scanlab index build` and `scanlab match`: CSV output, sorting, exit codes, one-line errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/hash/bits.js';
import { hashFiles } from '../src/hash/batch.js';
import { hammingBytes } from '../src/hash/hamming.js';
import { unpackHash } from '../src/match/packed.js';
import { clusteredHashes, nearDuplicate } from '../src/match/synthetic.js';
import { createPrng } from '../src/util/prng.js';
import { runCli } from './helpers/cli.js';
import { repoRoot, scratchDir } from './helpers/images.js';

const scratch = scratchDir('match-cli');
const dir = scratch.dir;
afterAll(scratch.cleanup);

const rng = createPrng(51);
const db = clusteredHashes(400, 256, { centres: 4, maxFlips: 30 }, rng);
const dbHex = Array.from({ length: db.count }, (_, i) => toHex(unpackHash(db, 'blockhash', i)));
const listPath = join(dir, 'list.csv');
const indexPath = join(dir, 'db.scanidx');
const queryPath = join(dir, 'queries.csv');
const queries: [string, string][] = [
  ['z.jpg', toHex(unpackHash({ ...db, data: nearDuplicate(db, 10, 4, rng), count: 1 }, 'blockhash', 0))],
  ['a, "b".jpg', dbHex[200]!],
  ['m.jpg', toHex(unpackHash({ ...db, data: nearDuplicate(db, 399, 12, rng), count: 1 }, 'blockhash', 0))],
];

/** The expected output, computed naively: every (query, entry) within the threshold, sorted. */
function expected(threshold: number): string[] {
  const rows: [string, number, number][] = [];
  for (const [name, hex] of queries) {
    const q = fromHex('blockhash', 256, hex).bits;
    dbHex.forEach((h, i) => {
      const d = hammingBytes(fromHex('blockhash', 256, h).bits, q);
      if (d <= threshold) rows.push([name, i, d]);
    });
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[2] - b[2] || a[1] - b[1]));
  const quote = (s: string): string => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['query,match_id,distance', ...rows.map(([q, i, d]) => `${quote(q)},e${i},${d}`)];
}

beforeAll(() => {
  writeFileSync(listPath, ['hash,id,label', ...dbHex.map((h, i) => `${h},e${i},l${i % 3}`)].join('\n') + '\n');
  writeFileSync(
    queryPath,
    [
      'file,algo,hash,quality,error',
      ...queries.map(([f, h]) => `"${f.replace(/"/g, '""')}",blockhash,${h},,`),
      'other.jpg,phash,0123456789abcdef,,',
    ].join('\n') + '\n',
  );
});

describe('scanlab index build and match', () => {
  it('builds an index and matches a hash CSV: header, rows sorted by query, distance, position; exit 0', () => {
    const build = runCli(['index', 'build', '--algo', 'blockhash', '--in', listPath, '--out', indexPath]);
    expect(build.status).toBe(0);
    expect(build.stdout).toBe('');
    expect(build.stderr).toMatch(/^indexed 400 256-bit blockhash hashes for radius 31: /);
    const r = runCli(['match', '--db', indexPath, '--max-distance', '40', queryPath]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual(expected(40));
    expect(lines.length).toBeGreaterThan(10);
  });

  it('reruns itself with huge pages when asked (SCANLAB_HUGE_PAGES=1): the same rows, errors and exit status', () => {
    const plain = runCli(['match', '--db', join(dir, 'missing.scanidx'), queryPath]);
    process.env.SCANLAB_HUGE_PAGES = '1';
    try {
      const r = runCli(['match', '--db', indexPath, '--max-distance', '40', queryPath]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toEqual(expected(40));
      const failed = runCli(['match', '--db', join(dir, 'missing.scanidx'), queryPath]);
      expect(plain.status).not.toBe(0);
      expect([failed.status, failed.stderr, failed.stdout]).toEqual([plain.status, plain.stderr, plain.stdout]);
    } finally {
      delete process.env.SCANLAB_HUGE_PAGES;
    }
  });

  it('matches against a hash list directly, to the same result, with the default threshold', () => {
    const r = runCli(['match', '--db', listPath, '--algo', 'blockhash', '--out', join(dir, 'out.csv'), queryPath]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(join(dir, 'out.csv'), 'utf8').trimEnd().split('\n')).toEqual(expected(31));
  });

  it('fails on an invalid list row with file:line, and skips it with --skip-invalid', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, `hash,id\n${dbHex[0]},x\n${dbHex[1]!.slice(2)},y\n`);
    const r = runCli(['index', 'build', '--algo', 'blockhash', '--in', bad, '--out', join(dir, 'bad.scanidx')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`scanlab: ${bad}:3: blockhash hash must have 64 hex digits, got 62\n`);
    const skip = runCli([
      'match',
      '--db',
      bad,
      '--algo',
      'blockhash',
      '--skip-invalid',
      '--max-distance',
      '0',
      queryPath,
    ]);
    expect(skip.status).toBe(0);
    expect(skip.stderr).toBe(
      `scanlab: skipped 1 invalid row (first: ${bad}:3: blockhash hash must have 64 hex digits, got 62)\n`,
    );
    expect(skip.stdout).toBe('query,match_id,distance\n');
  });

  it('rejects a corrupted index, a missing database and bad options with one line each', () => {
    const corrupt = join(dir, 'corrupt.scanidx');
    const bytes = readFileSync(indexPath);
    bytes[bytes.length >> 1]! ^= 1;
    writeFileSync(corrupt, bytes);
    const r = runCli(['match', '--db', corrupt, queryPath]);
    expect([r.status, r.stdout, r.stderr]).toEqual([
      1,
      '',
      `scanlab: ${corrupt}: corrupted index file (checksum mismatch)\n`,
    ]);
    const missing = runCli(['match', '--db', join(dir, 'none.scanidx'), queryPath]);
    expect([missing.status, missing.stderr]).toEqual([1, `scanlab: ${join(dir, 'none.scanidx')}: no such file\n`]);
    const threshold = runCli(['match', '--db', indexPath, '--threshold', 'x', queryPath]);
    expect([threshold.status, threshold.stderr]).toEqual([
      2,
      'scanlab: match --threshold is deprecated and will be removed; use --max-distance\n' +
        'scanlab: --max-distance must be a non-negative integer, not "x"\n',
    ]);
    const noAlgo = runCli(['match', '--db', listPath, queryPath]);
    expect([noAlgo.status, noAlgo.stderr]).toEqual([
      1,
      `scanlab: ${listPath} is a hash list without an algo column: its algorithm must be given\n`,
    ]);
    const noDb = runCli(['match', queryPath]);
    expect(noDb.status).toBe(2);
    expect(noDb.stderr).toMatch(/required option '--db <file>' not specified/);
  });
});

describe('scanlab match on images', () => {
  const image = join(repoRoot, 'datasets', 'sample', 'images', 'debian-edu-homeworld.jpg');
  const rotated = join(dir, 'rotated.png');
  const pdqList = join(dir, 'pdq.txt');

  beforeAll(async () => {
    await sharp(image).rotate(90).png().toFile(rotated);
    const rows = [];
    for await (const row of hashFiles([image], { algos: ['pdq'], jobs: 1 })) rows.push(row);
    writeFileSync(pdqList, `# one photo\n${rows[0]!.hash}\n${'0'.repeat(64)}\n`);
  });

  it('hashes query images and, with --dihedral, matches a rotated copy by its best variant', () => {
    const plain = runCli(['match', '--db', pdqList, '--algo', 'pdq', '--jobs', '1', image, rotated]);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toBe(`query,match_id,distance\n${image},0,0\n`);
    const dihedral = runCli(['match', '--db', pdqList, '--algo', 'pdq', '--dihedral', '--jobs', '1', image, rotated]);
    expect(dihedral.status).toBe(0);
    const [header, ...rows] = dihedral.stdout.trimEnd().split('\n');
    expect(header).toBe('query,match_id,distance');
    expect(rows).toEqual([...rows].sort());
    expect(rows).toContain(`${image},0,0`);
    const rotatedRow = rows.find((l) => l.startsWith(`${rotated},`));
    expect(rotatedRow).toMatch(/,0,([0-9]|1[0-9])$/);
    expect(rows).toHaveLength(2);
  });
});
