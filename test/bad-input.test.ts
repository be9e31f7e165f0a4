// Hostile and careless input (issue 12): every case gives one clear line and the right exit status, loses no data
// and never misstates a sample. CLI cases run the real command; library cases check the rule underneath.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  closeSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/dataset/load.js';
import { generateSyntheticDataset } from '../src/dataset/synthetic.js';
import { dofOrProblem, MIN_DOF_PAIRS } from '../src/eval/dof-fit.js';
import { fprConfig, runFpr } from '../src/eval/fpr.js';
import { RunStore, StoreError, STORE_APPLICATION_ID } from '../src/eval/store.js';
import { hashFiles } from '../src/hash/batch.js';
import { createHashers } from '../src/hash/hash-image.js';
import { getHasher } from '../src/hash/registry.js';
import { hashUnit } from '../src/eval/hash-unit.js';
import { walkImages } from '../src/image/files.js';
import { openDatabase } from '../src/match/database.js';
import { checkStoredTranscript } from '../src/psi/transcript-check.js';
import { parseAlgos, parseJobs, parseNumberOption } from '../src/cli/options.js';
import { UsageError } from '../src/cli/errors.js';
import { openAtomic, writeFileAtomic } from '../src/util/atomic-write.js';
import { makeDir } from '../src/util/make-dir.js';
import { OutputError } from '../src/util/output-error.js';
import { runCli } from './helpers/cli.js';
import { repoRoot, scratchDir } from './helpers/images.js';
import { optionalTool, titled } from './helpers/optional.js';

const scratch = scratchDir('bad-input');
afterAll(scratch.cleanup);
const dir = scratch.dir;
const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const oneLine = (stderr: string): void => {
  expect(stderr).not.toMatch(/\n\s+at |internal error|Unhandled/);
};
const isRoot = process.getuid?.() === 0;
const permissions = optionalTool('non-root user', () =>
  isRoot ? 'running as root, which reads folders whatever their permissions' : null,
);

/** A folder dataset: klimt/a.jpeg, a.pgm, a.png and monet/a.png share a stem, so do x.png and a broken x.jpg. */
let ds = '';
let goodImage = '';
beforeAll(async () => {
  const src = await generateSyntheticDataset(join(dir, 'src'), { count: 6, seed: 12, size: 48 });
  const path = (k: number): string => src.items[k]!.path;
  ds = join(dir, 'ds');
  mkdirSync(join(ds, 'klimt'), { recursive: true });
  mkdirSync(join(ds, 'monet'), { recursive: true });
  await sharp(path(0))
    .jpeg()
    .toFile(join(ds, 'klimt', 'a.jpeg'));
  const grey = await sharp(path(1)).greyscale().raw().toBuffer({ resolveWithObject: true });
  const header = `P5\n${grey.info.width} ${grey.info.height}\n255\n`;
  writeFileSync(join(ds, 'klimt', 'a.pgm'), Buffer.concat([Buffer.from(header, 'latin1'), grey.data]));
  copyFileSync(path(2), join(ds, 'klimt', 'a.png'));
  copyFileSync(path(3), join(ds, 'monet', 'a.png'));
  copyFileSync(path(4), join(ds, 'x.png'));
  const jpeg = await sharp(path(4)).jpeg().toBuffer();
  writeFileSync(join(ds, 'x.jpg'), jpeg.subarray(0, jpeg.length >> 1)); // a JPEG cut in half
  goodImage = join(dir, 'good.png');
  copyFileSync(path(5), goodImage);
});

describe('atomic writes (library)', () => {
  it('keeps the previous file when writing fails midway, and leaves no temporary file', async () => {
    const target = join(dir, 'keep', 'index.scanidx');
    mkdirSync(join(dir, 'keep'));
    writeFileSync(target, 'old contents');
    function* failing(): Generator<string> {
      yield 'new start';
      throw new Error('disk died');
    }
    await expect(writeFileAtomic(target, failing())).rejects.toThrow('disk died');
    expect(readFileSync(target, 'utf8')).toBe('old contents');
    const file = await openAtomic(target);
    await file.write('half');
    await file.abort();
    expect(readFileSync(target, 'utf8')).toBe('old contents');
    expect(readdirSync(join(dir, 'keep'))).toEqual(['index.scanidx']);
    await writeFileAtomic(target, ['new ', 'contents']);
    expect(readFileSync(target, 'utf8')).toBe('new contents');
    expect(readdirSync(join(dir, 'keep'))).toEqual(['index.scanidx']);
  });

  it('names a folder, a missing folder and a full device in one line with the right exit status', async () => {
    const fail = async (path: string): Promise<OutputError> => {
      const e = await writeFileAtomic(path, 'x').catch((err: unknown) => err);
      expect(e).toBeInstanceOf(OutputError);
      return e as OutputError;
    };
    expect(await fail(dir)).toMatchObject({ exitCode: 2, message: `${dir}: is a folder; give a file name to write` });
    expect(await fail(join(dir, 'none', 'x.csv'))).toMatchObject({ exitCode: 2 });
    expect((await fail(join(dir, 'none', 'x.csv'))).message).toMatch(/folder .*none does not exist/);
    if (existsSync('/dev/full'))
      expect(await fail('/dev/full')).toMatchObject({ exitCode: 1, message: expect.stringMatching(/no space/) });
  });

  it('bounds folder creation: /proc/x fails at once, a file in the way is named', async () => {
    if (existsSync('/proc/self'))
      await expect(makeDir('/proc/scanlab-x/y')).rejects.toThrow(/cannot create folder \/proc\/scanlab-x/);
    writeFileSync(join(dir, 'plain'), '');
    await expect(makeDir(join(dir, 'plain'))).rejects.toThrow(/is a file, not a folder/);
    await makeDir(join(dir, 'made', 'deep'));
    expect(existsSync(join(dir, 'made', 'deep'))).toBe(true);
  });
});

describe('walking folders and folder datasets (library)', () => {
  it('follows symbolic links to files and folders, guards loops, and lists what it cannot read', async () => {
    const w = join(dir, 'walk');
    mkdirSync(join(w, 'sub'), { recursive: true });
    copyFileSync(goodImage, join(w, 'sub', 'real.png'));
    symlinkSync(join(w, 'sub', 'real.png'), join(w, 'link.png'));
    symlinkSync(w, join(w, 'sub', 'loop'));
    symlinkSync(join(w, 'gone.png'), join(w, 'dangling.png'));
    const { files, unreadable } = await walkImages([w, join(dir, 'missing.jpg'), goodImage]);
    expect(files).toEqual([join(w, 'link.png'), join(w, 'sub', 'real.png'), goodImage]);
    expect(unreadable).toEqual([
      { path: join(w, 'dangling.png'), error: 'no such file or folder' },
      { path: join(dir, 'missing.jpg'), error: 'no such file or folder' },
    ]);
  });

  it.skipIf(!permissions.available)(
    titled('an unreadable subfolder is a failed entry, not the end', permissions),
    async () => {
      const w = join(dir, 'locked');
      mkdirSync(join(w, 'closed'), { recursive: true });
      copyFileSync(goodImage, join(w, 'open.png'));
      chmodSync(join(w, 'closed'), 0);
      try {
        const { files, unreadable } = await walkImages([w]);
        expect(files).toEqual([join(w, 'open.png')]);
        expect(unreadable).toEqual([{ path: join(w, 'closed'), error: 'cannot read folder: permission denied' }]);
      } finally {
        chmodSync(join(w, 'closed'), 0o755);
      }
    },
  );

  it('gives every file its own id (extension kept), so a.jpeg, a.pgm, a.png and x.jpg / x.png are never merged', async () => {
    const d = await loadDataset(ds);
    expect(d.items.map((i) => [i.id, i.group])).toEqual([
      ['klimt/a.jpeg', 'klimt'],
      ['klimt/a.pgm', 'klimt'],
      ['klimt/a.png', 'klimt'],
      ['monet/a.png', 'monet'],
      ['x.jpg', 'x.jpg'],
      ['x.png', 'x.png'],
    ]);
  });

  it('counts a folder exactly as a manifest of the same files: same items, same FPR histogram', async () => {
    const folder = await loadDataset(ds);
    const manifest = join(dir, 'same-files.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        name: 'same',
        version: 1,
        items: folder.items.map((i) => ({ id: i.id, group: i.group, file: join('ds', i.id) })),
      }),
    );
    const store = RunStore.open(join(dir, 'same.sqlite'));
    try {
      const run = (dataset: string) => runFpr(fprConfig({ dataset, algos: ['ahash'], seed: 1 }), { store, jobs: 1 });
      const a = (await run(ds)).summary;
      const b = (await run(manifest)).summary;
      expect([a.items, a.algos.ahash!.hashed]).toEqual([6, 5]);
      expect([b.items, b.algos.ahash!.hashed, b.algos.ahash!.counts]).toEqual([6, 5, a.algos.ahash!.counts]);
      expect(a.failedItems).toEqual(b.failedItems);
    } finally {
      store.close();
    }
  });

  it('reports a DoF fit on too few or identical distances as degenerate, never NaN', () => {
    const two = Array.from({ length: 65 }, (_, d) => (d === 30 ? 2 : 0));
    expect(dofOrProblem({ nbits: 64, counts: two })).toEqual({
      dof: null,
      dofProblem: `too few pairs for a fit (2 < ${MIN_DOF_PAIRS})`,
    });
    const flat = Array.from({ length: 65 }, (_, d) => (d === 30 ? 50 : 0));
    expect(dofOrProblem({ nbits: 64, counts: flat }).dofProblem).toMatch(/^degenerate/);
    const spread = Array.from({ length: 65 }, (_, d) => (d >= 28 && d <= 36 ? 10 : 0));
    const fit = dofOrProblem({ nbits: 64, counts: spread });
    expect(fit.dofProblem).toBeUndefined();
    expect(Number.isFinite(fit.dof!.dof) && Number.isFinite(fit.dof!.ks)).toBe(true);
  });
});

describe('databases, indexes and transcripts (library)', () => {
  it('refuses a foreign SQLite file without writing to it; opens a store read-only for reading', () => {
    const foreign = join(dir, 'other.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)');
    db.close();
    const before = sha(foreign);
    expect(() => RunStore.open(foreign)).toThrow(/not a scanlab run store \(it holds table photos/);
    expect(() => RunStore.openExisting(foreign)).toThrow(StoreError);
    expect(sha(foreign)).toBe(before);
    expect(existsSync(`${foreign}-wal`)).toBe(false);

    const path = join(dir, 'mine.sqlite');
    const store = RunStore.open(path);
    store.createRun({ kind: 'fpr', config: {} });
    store.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('application_id', { simple: true })).toBe(STORE_APPLICATION_ID);
    check.close();
    const stored = sha(path);
    const reader = RunStore.openExisting(path);
    expect(reader.listRuns()).toHaveLength(1);
    expect(() => reader.createRun({ kind: 'fpr', config: {} })).toThrow(/readonly/);
    reader.close();
    expect(sha(path)).toBe(stored);
  });

  it('refuses an empty file, a folder and random bytes named .scanidx, each with the real problem', async () => {
    writeFileSync(join(dir, 'empty.scanidx'), '');
    writeFileSync(join(dir, 'random.scanidx'), Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 37) & 255)));
    const open = (path: string): Promise<unknown> => openDatabase(path, { algo: 'pdq' });
    await expect(open(join(dir, 'empty.scanidx'))).rejects.toThrow(/empty file, neither an index nor a hash list/);
    await expect(open(join(dir, 'random.scanidx'))).rejects.toThrow(/not a scanlab index file \(bad magic bytes\)/);
    await expect(open(dir)).rejects.toThrow(/is a folder, not a database file/);
  });

  it('flags a stored transcript message whose bytes no longer match its SHA-256, and a damaged shape', () => {
    const bytes = Buffer.from('hello protocol');
    const digest = createHash('sha256').update(bytes).digest('hex');
    const event = { kind: 'received', type: 'oprf-request', length: bytes.length, sha256: digest };
    const good = { party: 'server', events: [{ ...event, base64: bytes.toString('base64') }] };
    expect(checkStoredTranscript(good)).toMatchObject({ ok: true, mismatched: [] });
    const forged = {
      party: 'server',
      events: [{ ...event, base64: Buffer.from('hellp protocol').toString('base64') }],
    };
    expect(checkStoredTranscript(forged)).toMatchObject({ ok: true, mismatched: [0] });
    expect(checkStoredTranscript({ rows: [] })).toMatchObject({ ok: false });
  });
});

describe('hashes.csv of the demo (library)', () => {
  it("hashing with the runs' --flatten-alpha gives the FPR run's hashes, in workers too, unlike plain hashing", async () => {
    // A transparent PNG whose hidden pixels differ from what shows: flattening changes its hashes.
    const w = 64;
    const rgba = Buffer.alloc(w * w * 4);
    for (let i = 0; i < w * w; i++) {
      const x = i % w;
      const y = Math.floor(i / w);
      rgba.set([(x * 4) & 255, (y * 4) & 255, ((x ^ y) * 8) & 255, x < w / 2 ? 0 : 255], i * 4);
    }
    const files = [join(dir, 't1.png'), join(dir, 't2.png')];
    for (const f of files)
      await sharp(rgba, { raw: { width: w, height: w, channels: 4 } })
        .png()
        .toFile(f);
    const algos = ['ahash', 'pdq'];
    const rows = async (flattenAlpha?: string): Promise<string[]> => {
      const out: string[] = [];
      for await (const r of hashFiles(files, { algos, jobs: 2, flattenAlpha })) out.push(`${r.algo}:${r.hash}`);
      return out;
    };
    const unit = await hashUnit({ id: 't1', path: files[0]! }, createHashers(algos), 'ffffff');
    const fromRun = algos.map((a) => `${a}:${unit[a]!.hash}`);
    const flattened = await rows('ffffff');
    expect(flattened).toEqual([...fromRun, ...fromRun]);
    expect((await rows()).slice(0, 2)).not.toEqual(fromRun);
  });
});

describe('option values (library)', () => {
  it('says what was given, names the right option, and accepts algorithm ids in any case', () => {
    expect(() => parseNumberOption('--max-pixels', 'abc')).toThrow('--max-pixels must be a number, not "abc"');
    expect(() => parseJobs('0', '--setup-jobs')).toThrow('--setup-jobs must be a positive integer, not "0"');
    expect(() => parseAlgos('ahash:100000')).toThrow(UsageError);
    expect(() => parseAlgos('ahash:100000')).toThrow(/ahash:100000.*positive integer up to 256/);
    expect(parseAlgos('PDQ,pHash:16')).toEqual(['pdq', 'phash:16']);
    expect(getHasher('PDQ').id).toBe('pdq');
  });
});

// Each case starts the CLI several times (a few seconds each on a loaded machine).
const CLI_TIMEOUT = 300_000;

describe('the CLI on bad input', () => {
  it(
    'bench fpr/robustness count, list, print and report failed items with the real n, and exit 1',
    () => {
      const store = join(dir, 'runs.sqlite');
      const check = runCli(['dataset', 'check', ds, '--json']);
      expect(check.status, check.stderr).toBe(0);
      expect(JSON.parse(check.stdout).items).toBe(6);

      const fpr = runCli(['bench', 'fpr', '--dataset', ds, '--algo', 'ahash', '--store', store, '--jobs', '1']);
      expect(fpr.status, fpr.stderr).toBe(1);
      oneLine(fpr.stderr);
      expect(fpr.stderr).toMatch(/^scanlab: x\.jpg: ahash: .+$/m);
      expect(fpr.stderr).toContain('fpr: 1 of 6 images failed and are not counted (n = 5)');
      expect(fpr.stdout).toMatch(/\(fpr, 5 of 6 images\)/);
      expect(fpr.stdout).toMatch(/ahash: no DoF fit: too few pairs for a fit/);
      const runId = /^run (\S+)/.exec(fpr.stdout)![1]!;

      const show = runCli(['runs', 'show', runId, '--store', store]);
      expect(show.status, show.stderr).toBe(0);
      const summary = JSON.parse(show.stdout).artifacts.summary;
      expect(summary.items).toBe(6);
      expect(summary.failedItems.map((f: { id: string }) => f.id)).toEqual(['x.jpg']);
      expect(summary.algos.ahash.hashed).toBe(5);

      const out = join(dir, 'report');
      const report = runCli(['report', runId, '--store', store, '--out', out, '--format', 'md']);
      expect(report.status, report.stderr).toBe(0);
      const md = readFileSync(join(out, 'report.md'), 'utf8');
      expect(md).toContain('hashed 5 of 6 images');
      expect(md).toMatch(/measured n = 5 of the 6 images in its dataset; 1 failed and are not counted: x\.jpg/);

      const rob = runCli(
        ['bench', 'robustness', '--dataset', ds, '--algo', 'ahash', '--transforms', 'jpeg(q=50)'].concat([
          '--store',
          store,
          '--jobs',
          '1',
        ]),
      );
      expect(rob.status, rob.stderr).toBe(1);
      expect(rob.stderr).toContain('robustness: 1 of 6 images failed and are not counted (n = 5)');
      expect(rob.stdout).toMatch(/\(robustness, 5 of 6 images/);
    },
    CLI_TIMEOUT,
  );

  it(
    'output problems are one line: --out onto a folder (2), a full stdout (1), report --out /proc/x (2)',
    () => {
      const folder = runCli(['hash', goodImage, '--algo', 'ahash', '--out', dir]);
      expect([folder.status, folder.stderr]).toEqual([2, `scanlab: ${dir}: is a folder; give a file name to write\n`]);
      if (existsSync('/dev/full')) {
        const full = openSync('/dev/full', 'w');
        try {
          const r = spawnSync(
            process.execPath,
            ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), 'hash', goodImage, '--algo', 'ahash'],
            { cwd: repoRoot, stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 120_000 },
          );
          expect([r.status, r.stderr]).toEqual([
            1,
            'scanlab: cannot write to standard output: no space left on the device\n',
          ]);
        } finally {
          closeSync(full);
        }
      }
      if (existsSync('/proc/self')) {
        const store = join(dir, 'report-store.sqlite');
        const s = RunStore.open(store);
        s.createRun({ kind: 'fpr', name: 'r', config: {} });
        s.close();
        const proc = runCli(['report', 'r', '--store', store, '--out', '/proc/scanlab-x', '--format', 'md']);
        expect(proc.status).toBe(2);
        expect(proc.stderr).toMatch(/^scanlab: \/proc\/scanlab-x: cannot create folder \/proc\/scanlab-x there/m);
        expect(proc.stderr).not.toMatch(/internal error/);
      }
    },
    CLI_TIMEOUT,
  );

  it(
    'hash missing.jpg good.jpg hashes the good one and reports the missing one (exit 1)',
    () => {
      const r = runCli(['hash', join(dir, 'missing.jpg'), goodImage, '--algo', 'PDQ']);
      expect(r.status).toBe(1);
      const rows = r.stdout.trim().split('\n');
      expect(rows[1]).toBe(`${join(dir, 'missing.jpg')},pdq,,,no such file or folder`);
      expect(rows[2]).toMatch(new RegExp(`^${goodImage},pdq,[0-9a-f]{64},\\d+,$`));
    },
    CLI_TIMEOUT,
  );

  it(
    'match: --dihedral refuses a CSV without the eight variants (2); a broken JPEG gets the decoder reason',
    () => {
      const csv = join(dir, 'plain.csv');
      const hashed = runCli(['hash', goodImage, join(ds, 'x.jpg'), '--algo', 'pdq', '--out', csv]);
      expect(hashed.status).toBe(1);
      const hashReason = readFileSync(csv, 'utf8').trim().split('\n')[2]!.split(',').slice(4).join(',');
      expect(hashReason).toMatch(/^cannot decode image \(.+\)$/);
      expect(hashReason).not.toContain('Unknown error');
      writeFileSync(join(dir, 'list.txt'), readFileSync(csv, 'utf8').split('\n')[1]!.split(',')[2] + '\n');
      const dihedral = runCli(['match', '--db', join(dir, 'list.txt'), '--algo', 'pdq', '--dihedral', csv]);
      expect(dihedral.status).toBe(2);
      expect(dihedral.stderr).toMatch(/^scanlab: .*plain\.csv: --dihedral needs the eight rotation\/flip rows .*\n$/);
      const images = runCli(['match', '--db', join(dir, 'list.txt'), '--algo', 'pdq', goodImage, join(ds, 'x.jpg')]);
      expect(images.status).toBe(1);
      expect(images.stdout).toMatch(/good\.png,0,0\n$/);
      expect(images.stderr).toContain(`scanlab: ${join(ds, 'x.jpg')}: ${hashReason}\n`);
    },
    CLI_TIMEOUT,
  );

  it(
    'runs list refuses a foreign database untouched; runs export of an unfinished run says partial (exit 1)',
    () => {
      const foreign = join(dir, 'foreign.sqlite');
      const db = new Database(foreign);
      db.exec('CREATE TABLE notes (t TEXT)');
      db.close();
      const before = sha(foreign);
      const list = runCli(['runs', 'list', '--store', foreign]);
      expect(list.status).toBe(1);
      expect(list.stderr).toMatch(/not a scanlab run store .*left untouched\n$/);
      expect(sha(foreign)).toBe(before);

      const store = join(dir, 'partial.sqlite');
      const s = RunStore.open(store);
      const run = s.createRun({ kind: 'robustness', name: 'half', config: {} });
      s.putResults(run.id, 'units', [{ key: 'a', value: { id: 'a', variants: [], error: 'x' } }]);
      s.close();
      const out = join(dir, 'half.csv');
      const exp = runCli(['runs', 'export', 'half', '--store', store, '--out', out]);
      expect(exp.status).toBe(1);
      expect(exp.stderr).toMatch(/is running, not done: the export is partial/);
      expect(readFileSync(out, 'utf8').split('\n')[1]).toMatch(/^\S+,a,,,,,,x$/);
    },
    CLI_TIMEOUT,
  );

  it(
    'psi inspect flags an altered stored message (exit 1) and a transcript of the wrong shape in one line',
    () => {
      const store = join(dir, 'psi.sqlite');
      const s = RunStore.open(store);
      const bytes = Buffer.from('request bytes');
      const event = {
        kind: 'received',
        type: 'oprf-request',
        length: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        base64: Buffer.from('REQUEST bytes').toString('base64'),
      };
      const altered = s.createRun({ kind: 'psi', name: 'altered', config: {} });
      s.putArtifact(altered.id, 'transcript:server', { party: 'server', events: [event] });
      const odd = s.createRun({ kind: 'psi', name: 'odd', config: {} });
      s.putArtifact(odd.id, 'transcript:server', { rows: [1, 2] });
      s.close();
      const a = runCli(['psi', 'inspect', 'altered', '--party', 'server', '--store', store]);
      expect(a.status).toBe(1);
      expect(a.stdout).toContain('ALTERED: the stored bytes do not match this SHA-256');
      expect(a.stderr).toMatch(/1 stored message\(s\) of the server transcript no longer match their SHA-256/);
      const b = runCli(['psi', 'inspect', 'odd', '--party', 'server', '--store', store]);
      expect(b.status).toBe(1);
      oneLine(b.stderr);
      expect(b.stderr).toMatch(/^scanlab: run \S+: the stored server transcript is damaged: not a transcript/);
    },
    CLI_TIMEOUT,
  );
});
