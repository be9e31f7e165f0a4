import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticDataset } from '../src/dataset/synthetic.js';
import { exportRows } from '../src/eval/export.js';
import { fprConfig, runFpr } from '../src/eval/fpr.js';
import { mean, total } from '../src/eval/histogram.js';
import { robustnessConfig, runRobustness } from '../src/eval/robustness.js';
import { RunStore } from '../src/eval/store.js';
import { runCli } from './helpers/cli.js';
import { repoRoot, scratchDir } from './helpers/images.js';

const scratch = scratchDir('experiments');
afterAll(scratch.cleanup);
const data = join(scratch.dir, 'data');
const big = join(scratch.dir, 'big');

beforeAll(async () => {
  // Five unrelated synthetic images, one near-duplicate group (an image and its half-size copy) and one exact
  // copy placed in another group, which the FPR experiment must report and leave out.
  const synth = await generateSyntheticDataset(join(scratch.dir, 'gen'), { count: 6, seed: 5, size: 160 });
  mkdirSync(join(data, 'pair'), { recursive: true });
  synth.items.slice(0, 5).forEach((item, k) => copyFileSync(item.path, join(data, `s${k}.png`)));
  copyFileSync(synth.items[5]!.path, join(data, 'pair', 'full.png'));
  await sharp(synth.items[5]!.path)
    .resize(80)
    .png()
    .toFile(join(data, 'pair', 'half.png'));
  copyFileSync(synth.items[0]!.path, join(data, 'zcopy.png'));
  await generateSyntheticDataset(big, { count: 40, seed: 9, size: 96 });
});

describe('robustness experiment', () => {
  it('measures every image x transform x algorithm, identically with 1 or 2 workers', async () => {
    const store = RunStore.open(join(scratch.dir, 'r.sqlite'));
    const config = robustnessConfig({
      dataset: data,
      algos: ['ahash', 'pdq'],
      transforms: ['jpeg(q=50)', 'flip(axis=h)', 'noise(sigma=8)'],
      seed: 3,
    });
    const one = await runRobustness(config, { store, jobs: 1 });
    const two = await runRobustness(config, { store, jobs: 2 });
    expect(one.summary.items).toBe(8);
    expect(one.summary.algos.pdq!.overall.nbits).toBe(256);
    expect(total(one.summary.algos.pdq!.overall)).toBe(8 * 3);
    const strip = (id: string) => exportRows(store, id).rows.map(({ run: _run, ...r }) => r);
    expect(strip(two.run.id)).toEqual(strip(one.run.id));
    // PDQ is not flip-invariant, JPEG at q=50 barely moves it: the per-transform histograms must say so.
    expect(mean(one.summary.algos.pdq!.perTransform['flip(axis=h)']!)).toBeGreaterThan(
      3 * mean(one.summary.algos.pdq!.perTransform['jpeg(q=50)']!),
    );
    expect(store.getRun(one.run.id)).toMatchObject({ status: 'done', seed: '3' });
    store.close();
  });

  it('flattens transparent images onto white by default, so JPEG re-encoding measures only itself', async () => {
    const dir = join(scratch.dir, 'alpha');
    mkdirSync(dir, { recursive: true });
    // An opaque shape on a fully transparent background whose hidden RGB is black (as in most cut-out PNGs).
    const w = 96;
    const rgba = new Uint8Array(w * w * 4);
    for (let i = 0; i < w * w; i++) {
      const x = i % w;
      const y = Math.floor(i / w);
      const inside = (x - 48) ** 2 + (y - 40) ** 2 < 30 ** 2;
      rgba.set(inside ? [90, 120, 160, 255] : [0, 0, 0, 0], 4 * i);
    }
    await sharp(Buffer.from(rgba), { raw: { width: w, height: w, channels: 4 } })
      .png()
      .toFile(join(dir, 'cutout.png'));
    const store = RunStore.open(join(scratch.dir, 'alpha.sqlite'));
    const base = { dataset: dir, algos: ['ahash', 'phash'], transforms: ['jpeg(q=95)'], seed: 1 };
    const flat = await runRobustness(robustnessConfig(base), { store, jobs: 1 });
    const kept = await runRobustness(robustnessConfig({ ...base, flattenAlpha: null }), { store, jobs: 1 });
    const d = (s: typeof flat.summary, algo: string) => s.algos[algo]!.overall.counts.findIndex((c) => c > 0);
    expect(d(flat.summary, 'ahash')).toBeLessThanOrEqual(1);
    expect(d(flat.summary, 'phash')).toBeLessThanOrEqual(2);
    expect(d(kept.summary, 'ahash')).toBeGreaterThan(8);
    expect(flat.run.config).toMatchObject({ flattenAlpha: 'ffffff' });
    store.close();
  });

  it('resumes a run killed with SIGKILL and ends with exactly the results of an uninterrupted run', async () => {
    const storePath = join(scratch.dir, 'kill.sqlite');
    const args = [
      'bench',
      'robustness',
      '--dataset',
      big,
      '--algo',
      'ahash,dhash',
      '--transforms',
      'jpeg(q=40),blur(sigma=1)',
      '--jobs',
      '1',
      '--store',
      storePath,
      '--json',
    ];
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    const count = (): number => {
      try {
        const db = new Database(storePath, { readonly: true, fileMustExist: true });
        try {
          return (db.prepare('SELECT COUNT(*) AS n FROM results').get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        return 0;
      }
    };
    const exited = new Promise((resolve) => child.on('exit', resolve));
    while (count() === 0) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const partial = count();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(40);

    const store = RunStore.open(storePath);
    const killed = store.listRuns()[0]!;
    expect(killed.status).toBe('running');
    store.close();
    const resumed = runCli([
      'bench',
      'robustness',
      '--resume',
      killed.id,
      '--store',
      storePath,
      '--jobs',
      '2',
      '--json',
    ]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).run).toBe(killed.id);

    const fresh = runCli(args);
    expect(fresh.status, fresh.stderr).toBe(0);
    const reopened = RunStore.open(storePath);
    const [a, b] = reopened.listRuns();
    const rows = (id: string) => exportRows(reopened, id).rows.map(({ run: _run, ...r }) => r);
    expect(rows(a!.id)).toHaveLength(40 * 2 * 2);
    expect(rows(a!.id)).toEqual(rows(b!.id));
    expect(reopened.getRun(a!.id).status).toBe('done');
    reopened.close();
  });
});

describe('false-positive experiment', () => {
  it('histograms every cross-group pair, leaving out the reported duplicate', async () => {
    const store = RunStore.open(join(scratch.dir, 'f.sqlite'));
    const { run, summary } = await runFpr(fprConfig({ dataset: data, algos: ['phash', 'blockhash'], seed: 1 }), {
      store,
      jobs: 1,
    });
    expect(summary.duplicates).toEqual([{ a: 's0.png', b: 'zcopy.png', kind: 'exact' }]);
    // 8 items in 7 groups: C(8,2) = 28 pairs, less the one within the group, = 27 cross-group pairs, less 1 duplicate.
    expect(summary.algos.phash!.population).toBe(27);
    expect(summary.algos.phash!.counts.reduce((a, b) => a + b, 0)).toBe(26);
    expect(summary.algos.phash!.counts[0]).toBe(0);
    expect(summary.algos.blockhash!.nbits).toBe(256);

    const sampled = await runFpr(fprConfig({ dataset: data, algos: ['phash'], maxPairs: 10, seed: 4 }), {
      store,
      jobs: 1,
    });
    expect(sampled.summary.algos.phash!.sampled).toBe(true);
    expect(sampled.summary.algos.phash!.counts.reduce((a, b) => a + b, 0)).toBe(10);
    // The second run reuses the cached phash hashes of identical files.
    expect(exportRows(store, sampled.run.id, 'hashes').rows.map((r) => r.hash)).toEqual(
      exportRows(store, run.id, 'hashes')
        .rows.filter((r) => r.algo === 'phash')
        .map((r) => r.hash),
    );
    store.close();
  });
});

describe('CLI: bench, runs, stats', () => {
  // The later tests read an FPR run named `tiny` from a store of their own, made here, not by an earlier test.
  const sharedStore = join(scratch.dir, 'shared.sqlite');
  beforeAll(async () => {
    const store = RunStore.open(sharedStore);
    await runFpr(fprConfig({ dataset: data, algos: ['phash'], seed: 1 }), { store, name: 'tiny', jobs: 1 });
    store.close();
  });

  it('runs an FPR experiment, lists and exports it, and computes population estimates', () => {
    const storePath = join(scratch.dir, 'cli.sqlite');
    const bench = runCli([
      'bench',
      'fpr',
      '--dataset',
      data,
      '--algo',
      'phash',
      '--name',
      'tiny',
      '--store',
      storePath,
    ]);
    expect(bench.status, bench.stderr).toBe(0);
    expect(bench.stdout).toMatch(/1 duplicate pair\(s\) across groups left out/);
    expect(bench.stdout).toMatch(/phash\s+26\s+no\s+10/);

    const list = runCli(['runs', 'list', '--store', storePath]);
    expect(list.stdout).toMatch(/fpr\s+tiny\s+done/);
    const csv = runCli(['runs', 'export', 'tiny', '--store', storePath]).stdout.trim().split('\n');
    expect(csv[0]).toBe('run,algo,distance,pairs,sampled');
    expect(csv).toHaveLength(1 + 65);
    expect(csv.slice(1).reduce((s, l) => s + Number(l.split(',')[3]), 0)).toBe(26);

    const pop = runCli([
      'stats',
      'population',
      '--store',
      storePath,
      '--fpr-run',
      'tiny',
      '--algo',
      'phash',
      '--max-distance',
      '10',
      '--db-size',
      '1e6',
      '--photos-per-year',
      '1000',
      '--account-threshold',
      '3',
      '--json',
    ]);
    expect(pop.status, pop.stderr).toBe(0);
    const report = JSON.parse(pop.stdout);
    expect(report.fpr.n).toBe(26);
    expect(report.perPhoto.upper).toBeGreaterThan(report.perPhoto.estimate);
    expect(report.assumptions.length).toBeGreaterThan(0);
  });

  it('computes ROC statistics from a robustness run and an FPR run', () => {
    const storePath = sharedStore;
    const rob = runCli([
      'bench',
      'robustness',
      '--dataset',
      data,
      '--algo',
      'phash',
      '--transforms',
      'jpeg(q=30),flip(axis=h)',
      '--name',
      'rob',
      '--store',
      storePath,
      '--json',
    ]);
    expect(rob.status, rob.stderr).toBe(0);
    const roc = runCli([
      'stats',
      'roc',
      '--store',
      storePath,
      '--robustness-run',
      'rob',
      '--fpr-run',
      'tiny',
      '--json',
    ]);
    expect(roc.status, roc.stderr).toBe(0);
    const { reports } = JSON.parse(roc.stdout);
    const related: number[] = JSON.parse(rob.stdout).summary.algos.phash.overall.counts;
    const store = RunStore.open(storePath);
    const unrelated = store.getArtifact<{ algos: { phash: { counts: number[] } } }>(store.getRun('tiny').id, 'summary')!
      .algos.phash.counts;
    store.close();
    let wins = 0;
    related.forEach((r, d) => unrelated.forEach((u, e) => (wins += r * u * (d < e ? 1 : d === e ? 0.5 : 0))));
    expect(reports[0].auc).toBeCloseTo(wins / (16 * 26), 12);
    expect(reports[0].atFpr.every((a: { supported: boolean }) => !a.supported)).toBe(true);
  });

  it('gives one-line errors for usage mistakes and missing runs', () => {
    const storePath = sharedStore;
    const cases: [string[], number, RegExp][] = [
      [['bench', 'fpr', '--algo', 'phash', '--store', storePath], 2, /--dataset PATH is required/],
      [['bench', 'fpr', '--dataset', data, '--seed', 'x', '--store', storePath], 2, /--seed must be an integer/],
      [['bench', 'robustness', '--dataset', data, '--transforms', 'jpeg(q=500)', '--store', storePath], 1, /jpeg/],
      [['bench', 'fpr', '--dataset', join(scratch.dir, 'missing'), '--store', storePath], 1, /no such file or folder/],
      [['runs', 'show', 'nosuch', '--store', storePath], 1, /no run "nosuch"/],
      [['runs', 'list', '--store', join(scratch.dir, 'none.sqlite')], 1, /no run store/],
      [
        [
          'stats',
          'population',
          '--store',
          storePath,
          '--fpr-run',
          'tiny',
          '--algo',
          'pdq',
          '--max-distance',
          '31',
          '--db-size',
          '1e6',
          '--photos-per-year',
          '10',
          '--account-threshold',
          '1',
        ],
        1,
        /no pdq histogram/,
      ],
    ];
    for (const [args, status, message] of cases) {
      const r = runCli(args);
      expect(r.status, args.join(' ') + r.stderr).toBe(status);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});
