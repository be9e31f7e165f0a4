import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFiles } from '../src/hash/batch.js';
import { runCli } from './helpers/cli.js';
import { gradientRgb, rawSharp, repoRoot, scratchDir } from './helpers/images.js';

const scratch = scratchDir('cli-hash');
const dir = scratch.dir;
afterAll(scratch.cleanup);

beforeAll(async () => {
  mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
  await rawSharp(gradientRgb(64, 48), 64, 48, 3).png().toFile(join(dir, 'b.png'));
  await rawSharp(gradientRgb(40, 40), 40, 40, 3)
    .jpeg()
    .toFile(join(dir, 'sub', 'a, "quoted".jpg'));
  copyFileSync(join(repoRoot, 'test', 'vectors', 'blockhash', 'Babylonian.png'), join(dir, 'sub', 'deeper', 'c.png'));
  writeFileSync(join(dir, 'sub', 'broken.jpg'), 'not an image');
  writeFileSync(join(dir, 'notes.txt'), 'ignored: not an image extension');
});

describe('scanlab hash', () => {
  it('writes the CSV contract: header, one row per file x algorithm, folders walked in sorted order', () => {
    const r = runCli(['hash', join(dir, 'b.png'), join(dir, 'sub'), '--algo', 'blockhash,blockhash:8', '--jobs', '1']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('file,algo,hash,quality,error');
    const files = lines.slice(1).map((l) => l.split(',')[0]);
    expect(files).toEqual([
      join(dir, 'b.png'),
      join(dir, 'b.png'),
      `"${join(dir, 'sub', 'a')}`,
      `"${join(dir, 'sub', 'a')}`,
      join(dir, 'sub', 'broken.jpg'),
      join(dir, 'sub', 'broken.jpg'),
      join(dir, 'sub', 'deeper', 'c.png'),
      join(dir, 'sub', 'deeper', 'c.png'),
    ]);
    expect(lines[2]).toMatch(/,blockhash:8,[0-9a-f]{16},,$/);
    expect(lines[3]).toContain('/a, ""quoted"".jpg",blockhash,');
    expect(lines[5]).toMatch(/broken\.jpg,blockhash,,,unsupported or unrecognised image format$/);
    // The reference's own expected hash for this image (blockhash-js, method 2 = bmvbhash; test/vectors/blockhash).
    const reference = readFileSync(join(repoRoot, 'test', 'vectors', 'blockhash', 'expected.csv'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Babylonian.png,2,'))
      ?.split(',')[2];
    expect(reference).toMatch(/^[0-9a-f]{64}$/);
    expect(lines[7]).toBe(`${join(dir, 'sub', 'deeper', 'c.png')},blockhash,${reference},,`);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['scanlab: 2 of 8 hashes failed (see the error column)']);
  });

  it('exits 0 when every file hashes, and gives the same rows with 2 jobs as with 1', () => {
    const one = runCli([
      'hash',
      join(dir, 'b.png'),
      join(dir, 'sub', 'deeper'),
      '--algo',
      'blockhash',
      '--jobs',
      '1',
      '--format',
      'jsonl',
    ]);
    const two = runCli([
      'hash',
      join(dir, 'b.png'),
      join(dir, 'sub', 'deeper'),
      '--algo',
      'blockhash',
      '--jobs',
      '2',
      '--format',
      'jsonl',
    ]);
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const rows = one.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ algo: 'blockhash', quality: null, error: null });
  });

  it('writes to --out and nothing to stdout', () => {
    const out = join(dir, 'out.csv');
    const r = runCli(['hash', join(dir, 'b.png'), '--algo', 'blockhash', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('file,algo,hash,quality,error');
  });

  it('reports usage errors in one line with exit status 2', () => {
    for (const args of [
      ['hash'],
      ['hash', dir, '--format', 'xml'],
      ['hash', dir, '--jobs', '0'],
      ['hash', dir, '--algo', 'nosuch'],
    ]) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
    const missing = runCli(['hash', join(dir, 'nope'), '--algo', 'blockhash']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(
      `scanlab: ${join(dir, 'nope')}: no such file or folder\nscanlab: 1 of 1 hashes failed (see the error column)\n`,
    );
    expect(missing.stdout).toBe(
      `file,algo,hash,quality,error\n${join(dir, 'nope')},blockhash,,,no such file or folder\n`,
    );
  });
});

describe('hashFiles (library)', () => {
  it('yields rows in input order from worker threads', async () => {
    const files = [join(dir, 'sub', 'deeper', 'c.png'), join(dir, 'b.png'), join(dir, 'sub', 'broken.jpg')];
    const rows = [];
    for await (const row of hashFiles(files, { algos: ['blockhash'], jobs: 2 })) rows.push(row);
    expect(rows.map((r) => r.file)).toEqual(files);
    expect(rows[2]!.error).toBeTruthy();
    expect(rows[0]!.hash).toBe('fe7ffe7ffe7ffc7ffc7ffc7ffc000000e107e187f89fe007c00ff81ff81ff83f');
  });
});

describe('scanlab hash: PDQ options', () => {
  const pdqData = join(repoRoot, 'test', 'vectors', 'pdq', 'data');
  const expected = join(repoRoot, 'test', 'vectors', 'pdq', 'expected', 'local-cpp-dihedral.csv');

  it('--dihedral prints the eight variants as the C++ reference computes them', () => {
    const r = runCli(['hash', join(pdqData, 'misc-images', 'wee.jpg'), '--algo', 'pdq', '--dihedral', '--jobs', '1']);
    expect(r.status).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(rows.map((c) => c[1])).toEqual(
      ['orig', 'r90', 'r180', 'r270', 'flipx', 'flipy', 'flipplus1', 'flipminus1'].map((n) => `pdq:${n}`),
    );
    const ref = readFileSync(expected, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('misc-images/wee.jpg,'))!
      .split(',');
    expect(rows.map((c) => c[2])).toEqual(ref.slice(1, 9));
  });

  it('--min-quality marks low-quality hashes, keeps them, and does not fail the run', () => {
    const r = runCli([
      'hash',
      join(pdqData, 'misc-images', 'small.jpg'),
      join(pdqData, 'misc-images', 'wee.jpg'),
      '--algo',
      'pdq',
      '--min-quality',
      '50',
      '--jobs',
      '1',
    ]);
    expect(r.status).toBe(0);
    const [, small, wee] = r.stdout.trim().split('\n');
    expect(small).toMatch(/,pdq,[0-9a-f]{64},0,low quality: 0 < 50 \(flat or nearly flat image\)$/);
    expect(wee).toMatch(/,pdq,[0-9a-f]{64},100,$/);
    expect(runCli(['hash', pdqData, '--min-quality', '101']).status).toBe(2);
  });
});
