import { describe, it, expect, afterAll } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { scratchDir } from './helpers/images.js';
import { RunStore } from '../src/eval/store.js';
import type { StoredTranscript } from '../src/psi/transcript.js';
import type { PsiSummary } from '../src/psi/summary.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';

const scratch = scratchDir('psi-cli');
afterAll(scratch.cleanup);
const dir = scratch.dir;
const next = createPrng(77);
const hex = (): string => Buffer.from(randomBytesFrom(next, 32)).toString('hex');
const database = Array.from({ length: 60 }, hex);
const photos = [...database.slice(0, 7), hex(), hex(), hex()];
const dbFile = join(dir, 'db.csv');
const queryFile = join(dir, 'queries.csv');
const store = join(dir, 'runs.sqlite');
writeFileSync(dbFile, 'id,hash\n' + database.map((h, i) => `entry${i},${h}\n`).join(''));
// `scanlab hash` output, with one row of another algorithm that the run skips.
writeFileSync(
  queryFile,
  'file,algo,hash,quality,error\n' +
    photos.map((h, i) => `p${i}.jpg,pdq,${h},100,\n`).join('') +
    'x.jpg,phash,0123456789abcdef,,\n',
);

describe('scanlab psi', () => {
  it('run stores summary, costs and both transcripts, and prints the matches against the truth', () => {
    const r = runCli([
      'psi',
      'run',
      '--protocol',
      'oprf-membership',
      '--db',
      dbFile,
      '--queries',
      queryFile,
      '--store',
      store,
      '--name',
      'oprf-test',
    ]);
    // The phash row of the `scanlab hash` output is not a pdq photo: 10 photos, not 11.
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('oprf-membership on ristretto255/sodium, 60 database entries, 10 photos');
    expect(r.stdout).toContain('client learns matching photos: 7, plaintext truth 7');
    const s = RunStore.openExisting(store);
    try {
      const run = s.getRun('oprf-test');
      expect(run).toMatchObject({ kind: 'psi', status: 'done' });
      expect(s.listArtifacts(run.id)).toEqual([
        'confidential:client',
        'costs',
        'outcome',
        'photos',
        'summary',
        'transcript:client',
        'transcript:server',
      ]);
      expect(s.getArtifact(run.id, 'outcome')).toEqual({ kind: 'membership', matches: photos.map((_, i) => i < 7) });
      const summary = s.getArtifact<PsiSummary>(run.id, 'summary')!;
      expect(summary.accuracy).toMatchObject({ expected: 7, found: 7, falsePositives: 0 });
      expect(summary.config).toMatchObject({ protocol: 'oprf-membership', group: 'ristretto255', backend: 'sodium' });
      const server = s.getArtifact<StoredTranscript>(run.id, 'transcript:server')!;
      expect(server.events.filter((e) => e.kind === 'received').map((e) => e.kind === 'received' && e.type)).toEqual(
        new Array(10).fill('oprf-request'),
      );
      const client = s.getArtifact<StoredTranscript>(run.id, 'transcript:client')!;
      expect(client.events[0]).toMatchObject({ kind: 'received', type: 'oprf-filter' });
      // OPRF outputs let anyone test membership against the filter: kept apart, marked confidential.
      expect(JSON.stringify(client)).not.toContain('output');
      expect(s.getArtifact(run.id, 'confidential:client')).toMatchObject({
        confidential: true,
        events: expect.arrayContaining([expect.objectContaining({ what: 'oprf output' })]) as unknown,
      });
    } finally {
      s.close();
    }
    const inspect = runCli(['psi', 'inspect', 'oprf-test', '--party', 'server', '--store', store]);
    expect(inspect.status).toBe(0);
    expect(inspect.stdout).toContain('server: received 10 messages, 350 bytes');
    expect(inspect.stdout).toContain('computed query  {"index":3}  [photo p3.jpg]');
  }, 60_000);

  it('a seed with --deterministic-keys reproduces a run byte for byte, labelled not for deployment', () => {
    const transcripts: string[] = [];
    for (const extra of [['--deterministic-keys'], ['--deterministic-keys'], []]) {
      const args = ['psi', 'run', '--protocol', 'oprf-membership', '--db', dbFile, '--queries', queryFile];
      const r = runCli([...args, '--seed', '7', ...extra, '--json', '--store', store]);
      expect(r.status).toBe(0);
      const { run, summary } = JSON.parse(r.stdout) as { run: string; summary: PsiSummary };
      expect(summary.config).toMatchObject({ seed: 7, deterministicKeys: extra.length > 0 });
      const s = RunStore.openExisting(store);
      try {
        transcripts.push(JSON.stringify(s.getArtifact(run, 'transcript:client')));
      } finally {
        s.close();
      }
      if (transcripts.length === 1) {
        const text = runCli(['psi', 'inspect', run, '--party', 'server', '--store', store]);
        expect(text.stdout).toContain('DETERMINISTIC KEYS from seed 7: reproducible, NOT FOR DEPLOYMENT');
      }
    }
    expect(transcripts[1]).toBe(transcripts[0]);
    expect(transcripts[2]).not.toBe(transcripts[0]);
  }, 120_000);

  it('--max-queries bounds what one session answers', () => {
    const capped = runCli([
      'psi',
      'run',
      '--protocol',
      'oprf-membership',
      '--max-queries',
      '9',
      '--db',
      dbFile,
      '--queries',
      queryFile,
      '--store',
      store,
    ]);
    expect(capped.status).toBe(2);
    expect(capped.stderr).toContain('scanlab: 10 photos exceed the 9 queries one session allows (raise --max-queries)');
  }, 60_000);

  it('ecdh-psi with the server learning the size only; usage errors exit 2', () => {
    const r = runCli([
      'psi',
      'run',
      '--protocol',
      'ecdh-psi',
      '--learner',
      'server',
      '--cardinality-only',
      '--backend',
      'noble',
      '--db',
      dbFile,
      '--queries',
      queryFile,
      '--store',
      store,
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('server learns intersection size: 7, plaintext truth 7');
    const bad = runCli([
      'psi',
      'run',
      '--protocol',
      'oprf-membership',
      '--group',
      'p256',
      '--backend',
      'sodium',
      '--db',
      dbFile,
      '--queries',
      queryFile,
      '--store',
      store,
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('scanlab: --group p256 runs only on --backend noble');
  }, 60_000);
});
