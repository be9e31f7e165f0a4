import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { scratchDir } from './helpers/images.js';
import { RunStore } from '../src/eval/store.js';
import type { PsiSummary } from '../src/psi/summary.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';

const scratch = scratchDir('fuzzy-psi-cli');
afterAll(scratch.cleanup);
const rand = createPrng(191);
const database = Array.from({ length: 100 }, () => randomBytesFrom(rand, 8));
/** Entry d with d bits flipped, for d = 0..5: members at r = 2 are the first three. */
const photos = database.slice(0, 6).map((h, d) => {
  const b = h.slice();
  for (let i = 0; i < d; i++) b[i]! ^= 0x01;
  return b;
});
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const dbFile = join(scratch.dir, 'db.txt');
const queryFile = join(scratch.dir, 'queries.txt');
const store = join(scratch.dir, 'runs.sqlite');
writeFileSync(dbFile, database.map(hex).join('\n') + '\n');
writeFileSync(queryFile, photos.map(hex).join('\n') + '\n');
const common = ['--algo', 'phash', '--db', dbFile, '--queries', queryFile, '--store', store];

describe('scanlab psi run with near-duplicate protocols', () => {
  it('chunked prints and stores the comparison with plaintext Hamming matching at r, with its parameters', () => {
    const r = runCli([
      'psi',
      'run',
      '--protocol',
      'chunked',
      '--max-distance',
      '2',
      '--chunks',
      '4',
      '--name',
      'c',
      ...common,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('client learns matching photos: 3, plaintext Hamming truth (distance ≤ 2) 3');
    expect(r.stdout).toContain('near-duplicate: r = 2, 4 chunks, each searched within 0 bits');
    const s = RunStore.openExisting(store);
    try {
      const summary = s.getArtifact<PsiSummary>(s.getRun('c').id, 'summary')!;
      expect(summary.accuracy).toMatchObject({ expected: 3, found: 3, falsePositives: 0, falseNegatives: 0 });
      expect(summary.config).toMatchObject({ protocol: 'chunked', fuzzy: { maxDistance: 2, chunks: 4 } });
    } finally {
      s.close();
    }
    // The report's PSI section judges the run against plaintext Hamming matching and lists what each party observed.
    const out = join(scratch.dir, 'report');
    const report = runCli(['report', 'c', '--store', store, '--format', 'md', '--out', out]);
    expect(report.status).toBe(0);
    const md = readFileSync(
      join(
        out,
        readdirSync(out).find((f) => f.endsWith('.md'))!,
      ),
      'utf8',
    );
    expect(md).toContain('matches expected (plaintext Hamming, distance ≤ 2)');
    expect(md).toContain('Near-duplicate matching');
    expect(md).toContain('server observes per non-matching photo');
  }, 120_000);

  it('usage errors: a missing radius, options of other protocols, a ball beyond the budget', () => {
    const missing = runCli(['psi', 'run', '--protocol', 'chunked', ...common]);
    expect([missing.status, missing.stderr.trim()]).toEqual([2, 'scanlab: --protocol chunked needs --max-distance']);
    const foreign = runCli(['psi', 'run', '--protocol', 'oprf-membership', '--max-distance', '2', ...common]);
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toContain('--max-distance, --chunks and --min-chunks apply to');
    const big = runCli(['psi', 'run', '--protocol', 'ball-expansion', '--max-distance', '10', ...common]);
    expect(big.status).toBe(2);
    expect(big.stderr).toContain('above the budget of 65536');
    expect(big.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  }, 120_000);
});
