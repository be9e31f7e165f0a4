import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHasher } from '../src/hash/registry.js';
import { toHex } from '../src/hash/bits.js';
import { decodeImage } from '../src/image/decode.js';
import { runCli } from './helpers/cli.js';
import { repoRoot, scratchDir } from './helpers/images.js';

const scratch = scratchDir('pipeline-cli');
afterAll(scratch.cleanup);
const sample = join(repoRoot, 'datasets', 'sample', 'images');
const names = readdirSync(sample)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .slice(0, 6);
const photos = join(scratch.dir, 'photos');
const store = join(scratch.dir, 'runs.sqlite');

beforeAll(async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(photos, { recursive: true });
  for (const n of names) copyFileSync(join(sample, n), join(photos, n));
  // Photos 0, 2, 4 (account 0 of 2) are in the database: 3 ≥ t = 2; account 1 holds none.
  const pdq = getHasher('pdq');
  const rows = ['file,algo,hash,quality,error'];
  for (const i of [0, 2, 4]) {
    const h = await pdq.hash(await decodeImage(join(photos, names[i]!)));
    rows.push(`${names[i]},pdq,${toHex(h)},${h.quality ?? ''},`);
  }
  writeFileSync(join(scratch.dir, 'db.csv'), rows.join('\n') + '\n');
});

describe('scanlab pipeline run', () => {
  it('writes received/, relay/, reviewer.csv, reviewer/ and costs.json, and stores a pipeline run', () => {
    const out = join(scratch.dir, 'out');
    const r = runCli([
      'pipeline',
      'run',
      '--db',
      join(scratch.dir, 'db.csv'),
      '--photos',
      photos,
      '--accounts',
      '2',
      '--account-threshold',
      '2',
      '--synthetic-rate',
      '0',
      '--out',
      out,
      '--store',
      store,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { run, summary } = JSON.parse(r.stdout) as { run: string; summary: { truth: { revealed: number } } };
    expect(summary.truth.revealed).toBe(3);
    for (const n of names) expect(readFileSync(join(out, 'received', n))).toEqual(readFileSync(join(photos, n)));
    const relay = readdirSync(join(out, 'relay'));
    expect(relay.filter((f) => f.endsWith('.bin'))).toHaveLength(6);
    const csv = readFileSync(join(out, 'reviewer.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('account,message_id,photo,revealed');
    const revealed = csv.slice(1).filter((l) => l.endsWith(',true'));
    expect(revealed.map((l) => l.split(',')[2])).toEqual([names[0], names[2], names[4]]);
    for (const l of revealed) expect(existsSync(join(out, 'reviewer', `${l.split(',')[1]}.jpg`))).toBe(true);
    const costs = JSON.parse(readFileSync(join(out, 'costs.json'), 'utf8')) as { photos: number };
    expect(costs.photos).toBe(6);
    const shown = runCli(['runs', 'show', run, '--store', store]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain('pipeline');
  });
});

describe('scanlab simulate population', () => {
  it('prints the JSON shape of the issue and stores a simulation run', () => {
    const r = runCli([
      'simulate',
      'population',
      '--accounts',
      '20000',
      '--photos-per-year',
      'lognormal:median=500,sigma=1',
      '--photo-fpr',
      '0.004',
      '--account-threshold',
      '8',
      '--known-share',
      '0.01',
      '--known-per-account',
      'fixed:20',
      '--seed',
      '3',
      '--store',
      store,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(j)).toEqual(
      expect.arrayContaining(['analytic', 'simulated', 'detection', 'reviewerLoad', 'serverCost']),
    );
    const rate = j.simulated!.falseFlagRate as number;
    const [lo, hi] = j.simulated!.ci as [number, number];
    expect(rate).toBeGreaterThan(0);
    expect(lo).toBeLessThanOrEqual(rate);
    expect(hi).toBeGreaterThanOrEqual(rate);
    expect(typeof j.analytic!.falseFlagRate).toBe('number');
    expect(j.simulated!.accountsFlagged).toBe(Math.round(rate * 19_800));
  });

  it('a usage error is one line with exit status 2', () => {
    const r = runCli([
      'simulate',
      'population',
      '--photo-fpr',
      '0.1',
      '--photos-per-year',
      'gamma:k=1',
      '--store',
      store,
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/distributions are fixed:N/);
  });
});
