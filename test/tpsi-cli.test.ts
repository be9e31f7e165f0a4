import { describe, it, expect, afterAll } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { scratchDir } from './helpers/images.js';
import { RunStore } from '../src/eval/store.js';
import type { PsiSummary } from '../src/psi/summary.js';
import type { StoredTranscript } from '../src/psi/transcript.js';
import type { TpsiRunOutcome } from '../src/psi/protocols/tpsi-ad/outcome.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';

const scratch = scratchDir('tpsi-cli');
afterAll(scratch.cleanup);
const dir = scratch.dir;
const next = createPrng(99);
const hex = (): string => Buffer.from(randomBytesFrom(next, 32)).toString('hex');
const database = Array.from({ length: 40 }, hex);
// Account 0 (even rows) holds 5 database hashes, account 1 (odd rows) holds 1.
const photos = [
  database[0],
  hex(),
  database[1],
  hex(),
  database[2],
  database[3],
  database[4],
  hex(),
  database[5],
  hex(),
  hex(),
  hex(),
];
const dbFile = join(dir, 'db.csv');
const queryFile = join(dir, 'queries.csv');
const store = join(dir, 'runs.sqlite');
writeFileSync(dbFile, 'id,hash\n' + database.map((h, i) => `entry${i},${h}\n`).join(''));
writeFileSync(queryFile, 'id,hash\n' + photos.map((h, i) => `img${i}.jpg,${h}\n`).join(''));

describe('scanlab psi run --protocol tpsi-ad', () => {
  it('prints and stores the per-account report with the parameters, and inspect shows the vouchers the server received', () => {
    const r = runCli([
      'psi',
      'run',
      '--protocol',
      'tpsi-ad',
      '--db',
      dbFile,
      '--queries',
      queryFile,
      '--account-threshold',
      '4',
      '--synthetic-rate',
      '0',
      '--accounts',
      '2',
      '--store',
      store,
      '--name',
      'tpsi-test',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('tpsi-ad on ristretto255/sodium, 40 database entries, 12 photos');
    expect(r.stdout).toContain('threshold t = 4, synthetic rate s = 0, cuckoo ε = 1.2, DHF capacity 64, 2 accounts');
    expect(r.stdout).toMatch(/\n0\s+6\s+5\s+0\s+5\s+5\s+5\.0\s+0\s+reconstructed\s+5\s+5\s+ok\n/);
    expect(r.stdout).toMatch(/\n1\s+6\s+1\s+0\s+1\s+1\s+1\.0\s+0\s+-\s+0\s+0\s+ok\n/);
    expect(r.stdout).toContain('nothing below: ok');
    const s = RunStore.openExisting(store);
    try {
      const run = s.getRun('tpsi-test');
      expect(s.listArtifacts(run.id)).toEqual([
        'accounts',
        'confidential:client',
        'costs',
        'outcome',
        'photos',
        'summary',
        'transcript:client',
        'transcript:server',
      ]);
      // Inputs are named by absolute path and fingerprint, the seed recorded; photos by their id in the list.
      expect(run.seed).toBe('1');
      expect(run.datasetHash).toMatch(/^[0-9a-f]{64}$/);
      expect(run.config).toMatchObject({
        db: { path: dbFile, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown, entries: 40 },
        queries: { path: queryFile, photos: 12 },
        seed: 1,
        deterministicKeys: false,
      });
      const stored = s.getArtifact<{ id: string; matched: boolean; revealed: boolean; account: number }[]>(
        run.id,
        'photos',
      )!;
      expect(stored[8]).toMatchObject({ id: 'img8.jpg', matched: true, revealed: true, account: 0 });
      expect(stored[5]).toMatchObject({ id: 'img5.jpg', matched: true, revealed: false, withheldByDesign: true });
      // What the client keeps to itself is stored apart, marked, and absent from its transcript.
      expect(s.getArtifact(run.id, 'confidential:client')).toMatchObject({ confidential: true });
      expect(JSON.stringify(s.getArtifact(run.id, 'transcript:client'))).not.toContain('synthetic');
      expect(s.getArtifact<PsiSummary>(run.id, 'summary')!.config).toMatchObject({
        protocol: 'tpsi-ad',
        accounts: 2,
        tpsi: { threshold: 4, syntheticRate: 0, cuckooEpsilon: 1.2 },
      });
      expect(s.getArtifact<TpsiRunOutcome>(run.id, 'accounts')!.allCorrect).toBe(true);
      const server = s.getArtifact<StoredTranscript>(run.id, 'transcript:server')!;
      expect(server.events.filter((e) => e.kind === 'received')).toHaveLength(12);
    } finally {
      s.close();
    }
    const inspect = runCli(['psi', 'inspect', 'tpsi-test', '--party', 'server', '--store', store]);
    expect(inspect.status).toBe(0);
    expect(inspect.stdout).toMatch(/server: received 12 messages, \d+ bytes/);
    expect(inspect.stdout).toContain('computed key reconstructed  {"account":0,"realShares":4}');
    expect((inspect.stdout.match(/computed ad revealed/g) ?? []).length).toBe(5);
    expect(inspect.stdout).toMatch(/computed ad revealed .*\[photo img0\.jpg\]/);
    expect(inspect.stdout).not.toMatch(/synthetic|CONFIDENTIAL/);
    expect(
      runCli(['psi', 'inspect', 'tpsi-test', '--party', 'server', '--confidential', '--store', store]).status,
    ).toBe(2);
    const client = runCli(['psi', 'inspect', 'tpsi-test', '--party', 'client', '--confidential', '--store', store]);
    expect(client.stdout).toContain('CONFIDENTIAL');
    expect(client.stdout).toMatch(/voucher {2}{"photo":3,"synthetic":false} {2}\[photo img3\.jpg\]/);
    expect(r.stdout).toContain('false negatives 0, withheld by design 1)');
    const csv = runCli(['runs', 'export', 'tpsi-test', '--format', 'csv', '--store', store]);
    expect(csv.status).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('run,photo,id,account,matched,revealed,withheld_by_design');
    expect(lines).toHaveLength(13);
    expect(lines[6]).toMatch(/,5,img5\.jpg,1,1,0,1$/);
    expect(lines[9]).toMatch(/,8,img8\.jpg,0,1,1,0$/);
  }, 60_000);

  it('refuses tpsi-ad options on other protocols and impossible parameters', () => {
    const other = runCli([
      'psi',
      'run',
      '--protocol',
      'oprf-membership',
      '--account-threshold',
      '3',
      '--db',
      dbFile,
      '--queries',
      queryFile,
      '--store',
      store,
    ]);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/apply to tpsi-ad(, [a-z-]+)* only/);
    const rate = runCli([
      'psi',
      'run',
      '--protocol',
      'tpsi-ad',
      '--synthetic-rate',
      '1',
      '--db',
      dbFile,
      '--queries',
      queryFile,
      '--store',
      store,
    ]);
    expect(rate.status).toBe(2);
    expect(rate.stderr.trim()).toBe('scanlab: synthetic rate must lie in [0, 1), got 1');
    const cuckoo = runCli([
      'psi',
      'run',
      '--protocol',
      'tpsi-ad',
      '--cuckoo-epsilon',
      '0',
      '--db',
      dbFile,
      '--queries',
      queryFile,
      '--store',
      store,
    ]);
    expect(cuckoo.status).toBe(2);
    expect(cuckoo.stderr).toContain('needs a load below 1/2');
  }, 60_000);
});
