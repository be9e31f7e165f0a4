// Sharded runs: the shard rule (stable, a partition), the scheduler's variables, and merged shards equal to the
// unsharded run row for row, through the library and through separate `scanlab` processes.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticDataset } from '../src/dataset/synthetic.js';
import { exportRows } from '../src/eval/export.js';
import { fprConfig, runFpr } from '../src/eval/fpr.js';
import { MERGE_RULES, mergeRuns } from '../src/eval/merge.js';
import { ATTACK_MERGE_RULES } from '../src/attack/merge.js';
import { attackConfig, runAttack } from '../src/attack/run.js';
import type { AttackUnitResult } from '../src/attack/unit.js';
import { robustnessConfig, runRobustness } from '../src/eval/robustness.js';
import { RunStore } from '../src/eval/store.js';
import {
  itemsOfShard,
  parseShard,
  rangeOfShard,
  resolveShard,
  shardFromEnv,
  shardOfId,
  type Shard,
} from '../src/util/shard.js';
import { runCli } from './helpers/cli.js';
import { scratchDir } from './helpers/images.js';

const scratch = scratchDir('shard');
let dataDir = '';
afterAll(scratch.cleanup);
beforeAll(async () => {
  dataDir = join(scratch.dir, 'data');
  await generateSyntheticDataset(dataDir, { count: 9, seed: 3, size: 64 });
});

describe('the shard rule', () => {
  it('parses i/n and refuses what is not a shard', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    for (const bad of ['8/8', '-1/8', '1/0', 'a/b', '1', '1/2/3']) expect(() => parseShard(bad)).toThrow(/--shard/);
  });

  it('reads Slurm array tasks (0- or 1-based arrays) and Kubernetes indexed jobs', () => {
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '8' })?.shard).toEqual({
      index: 5,
      count: 8,
    });
    expect(
      shardFromEnv({ SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '1' })?.shard,
    ).toEqual({ index: 7, count: 8 });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '2', SCANLAB_SHARD_COUNT: '3' })).toEqual({
      shard: { index: 2, count: 3 },
      source: 'kubernetes',
    });
    expect(shardFromEnv({})).toBeUndefined();
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '1' })).toThrow(/SLURM_ARRAY_TASK_COUNT/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '3', SCANLAB_SHARD_COUNT: '3' })).toThrow(/0 to 2/);
    expect(resolveShard('1/2', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4' })?.shard).toEqual({
      index: 1,
      count: 2,
    });
  });

  it('puts an id in the shard given by SHA-256 (first 48 bits) modulo n, computed independently here', () => {
    for (const id of ['a', 'klimt/kiss.jpg', 'ünïcode', '']) {
      const d = createHash('sha256').update(id, 'utf8').digest();
      for (const n of [1, 2, 3, 8, 1000]) expect(shardOfId(id, n)).toBe(Number(d.readUIntBE(0, 6) % n));
    }
  });

  it('partitions items and ranges: every item in exactly one shard, sizes within one of each other', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `item-${i}`);
    for (const count of [1, 3, 8]) {
      const shards: Shard[] = Array.from({ length: count }, (_, index) => ({ index, count }));
      const parts = shards.map((s) => itemsOfShard(ids, (x) => x, s));
      expect(parts.flat().sort()).toEqual([...ids].sort());
      for (const p of parts) expect(p.length).toBeGreaterThan(1000 / count / 2);
      const ranges = shards.map((s) => rangeOfShard(1003, s));
      expect(ranges[0]!.start).toBe(0);
      expect(ranges.at(-1)!.end).toBe(1003);
      for (let k = 1; k < count; k++) expect(ranges[k]!.start).toBe(ranges[k - 1]!.end);
      const sizes = ranges.map((r) => r.end - r.start);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});

const CONFIG = () =>
  robustnessConfig({
    dataset: dataDir,
    algos: ['ahash', 'pdq'],
    transforms: ['jpeg(q=50)', 'crop(frac=0.8)'],
    seed: 7,
  });
const rowsOf = (store: RunStore, id: string) => exportRows(store, id).rows.map(({ run: _run, ...r }) => r);

describe('merging shards of a robustness run', () => {
  it.each([1, 3, 8])('%i shards, each in its own store, merge into the unsharded run exactly', async (count) => {
    const whole = RunStore.open(join(scratch.dir, `whole-${count}.sqlite`));
    const reference = await runRobustness(CONFIG(), { store: whole });
    const shardStores = [];
    for (let index = 0; index < count; index++) {
      const store = RunStore.open(join(scratch.dir, `s${count}-${index}.sqlite`));
      await runRobustness(CONFIG(), { store, shard: { index, count } });
      shardStores.push(store);
    }
    const into = RunStore.open(join(scratch.dir, `merged-${count}.sqlite`));
    const report = await mergeRuns(shardStores, into);
    expect(report.complete).toBe(true);
    expect(report.run.status).toBe('done');
    expect(rowsOf(into, report.run.id)).toEqual(rowsOf(whole, reference.run.id));
    expect(into.getArtifact(report.run.id, 'summary')).toEqual(reference.summary);
    const again = await mergeRuns([...shardStores, shardStores[0]!], into);
    expect(again.rowsAdded).toBe(0);
    expect(again.run.id).toBe(report.run.id);
    expect(into.listRuns()).toHaveLength(1);
    expect(rowsOf(into, report.run.id)).toEqual(rowsOf(whole, reference.run.id));
    for (const s of [whole, into, ...shardStores]) s.close();
  });

  it('reports missing shards, and refuses shards of a different run before writing', async () => {
    const a = RunStore.open(join(scratch.dir, 'p0.sqlite'));
    await runRobustness(CONFIG(), { store: a, shard: { index: 0, count: 2 } });
    const into = RunStore.open(join(scratch.dir, 'partial.sqlite'));
    const partial = await mergeRuns([a], into);
    expect(partial).toMatchObject({ complete: false, missing: [1], covered: [0] });
    expect(partial.run.status).toBe('running');
    const other = RunStore.open(join(scratch.dir, 'other.sqlite'));
    await runRobustness({ ...CONFIG(), seed: 8 }, { store: other, shard: { index: 1, count: 2 } });
    const fresh = RunStore.open(join(scratch.dir, 'refused.sqlite'));
    await expect(mergeRuns([a, other], fresh)).rejects.toThrow(/not a shard of the same run/);
    expect(fresh.listRuns()).toHaveLength(0);
    for (const s of [a, into, other, fresh]) s.close();
  });
});

describe('scanlab bench robustness --shard and scanlab runs merge, as separate processes', () => {
  it('three shard processes and a merge give the unsharded rows; bad shards are one-line usage errors', () => {
    const common = ['bench', 'robustness', '--dataset', dataDir, '--algo', 'ahash,pdq', '--seed', '7'];
    const transforms = ['--transforms', 'jpeg(q=50),crop(frac=0.8)', '--jobs', '1'];
    const stores = [0, 1, 2].map((i) => join(scratch.dir, `cli-${i}.sqlite`));
    stores.forEach((store, i) => {
      const r = runCli([...common, ...transforms, '--store', store, '--shard', `${i}/3`]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`running shard ${i} of 3`);
    });
    const wholeStore = join(scratch.dir, 'cli-whole.sqlite');
    expect(runCli([...common, ...transforms, '--store', wholeStore]).status).toBe(0);
    const merged = join(scratch.dir, 'cli-merged.sqlite');
    const m = runCli(['runs', 'merge', ...stores, '--into', merged, '--json']);
    expect(m.status, m.stderr).toBe(0);
    const report = JSON.parse(m.stdout) as { run: string; complete: boolean };
    expect(report.complete).toBe(true);
    const exported = (store: string, run: string) =>
      runCli(['runs', 'export', run, '--store', store])
        .stdout.split('\n')
        .map((l) => l.replace(/^[^,]*,/, ''));
    const wholeRun = JSON.parse(runCli(['runs', 'list', '--store', wholeStore, '--json']).stdout) as { id: string };
    expect(exported(merged, report.run)).toEqual(exported(wholeStore, wholeRun.id));
    const bad = runCli([...common, '--store', join(scratch.dir, 'bad.sqlite'), '--shard', '3/3']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('merging shards of an FPR run (blocks of the pair matrix)', () => {
  const fpr = () => fprConfig({ dataset: dataDir, algos: ['ahash', 'pdq'], seed: 7 });
  const histogramCsv = (store: RunStore, id: string) =>
    exportRows(store, id, 'histogram')
      .rows.map(({ run: _run, ...r }) => JSON.stringify(r))
      .join('\n');

  it.each([1, 3, 8])('%i shards: the merged histogram equals the unsharded one exactly', async (count) => {
    const whole = RunStore.open(join(scratch.dir, `fpr-whole-${count}.sqlite`));
    const reference = await runFpr(fpr(), { store: whole });
    const shards = [];
    for (let index = 0; index < count; index++) {
      const store = RunStore.open(join(scratch.dir, `fpr-s${count}-${index}.sqlite`));
      await runFpr(fpr(), { store, shard: { index, count } });
      shards.push(store);
    }
    const into = RunStore.open(join(scratch.dir, `fpr-merged-${count}.sqlite`));
    const report = await mergeRuns(shards, into);
    expect(report.complete).toBe(true);
    expect(histogramCsv(into, report.run.id)).toBe(histogramCsv(whole, reference.run.id));
    const summary = into.getArtifact<typeof reference.summary>(report.run.id, 'summary')!;
    for (const algo of ['ahash', 'pdq'])
      expect(summary.algos[algo]!.counts).toEqual(reference.summary.algos[algo]!.counts);
    const again = await mergeRuns(shards, into);
    expect(again.rowsAdded).toBe(0);
    expect(histogramCsv(into, report.run.id)).toBe(histogramCsv(whole, reference.run.id));
    for (const s of [whole, into, ...shards]) s.close();
  });

  it('a shard stores only its own blocks; a resumed shard computes nothing twice', async () => {
    const store = RunStore.open(join(scratch.dir, 'fpr-one-shard.sqlite'));
    const first = await runFpr(fpr(), { store, shard: { index: 1, count: 3 } });
    const keys = store.resultKeys(first.run.id, 'pairs:pdq');
    expect([...keys].every((k) => Number(k.split('/')[0]) % 3 === 1)).toBe(true);
    const before = store.getResults(first.run.id, 'pairs:pdq');
    await runFpr(undefined, { store, resume: first.run.id, shard: { index: 1, count: 3 } });
    expect(store.getResults(first.run.id, 'pairs:pdq')).toEqual(before);
    await expect(runFpr(undefined, { store, resume: first.run.id, shard: { index: 0, count: 3 } })).rejects.toThrow(
      /is shard 1\/3/,
    );
    store.close();
  });
});

describe('scanlab hash --shard', () => {
  it('three shards hash every file exactly once, in input order, with the same rows as one process', () => {
    const args = ['hash', dataDir, '--algo', 'ahash,dhash', '--jobs', '1'];
    const whole = runCli(args);
    expect(whole.status, whole.stderr).toBe(0);
    const [header, ...wholeRows] = whole.stdout.trim().split('\n');
    const parts = [0, 1, 2].map((i) => runCli([...args, '--shard', `${i}/3`]));
    for (const p of parts) expect(p.status, p.stderr).toBe(0);
    const shardRows = parts.map((p) => p.stdout.trim().split('\n'));
    for (const rows of shardRows) expect(rows[0]).toBe(header);
    const union = shardRows.flatMap((rows) => rows.slice(1));
    expect([...union].sort()).toEqual([...wholeRows].sort());
    for (const rows of shardRows) {
      const body = rows.slice(1);
      expect(body).toEqual(wholeRows.filter((r) => body.includes(r)));
    }
  });
});

describe('merging shards of an attack run', () => {
  it('three shards merge into the unsharded run: same units and outcomes (timings aside), one summary', async () => {
    const cfg = (out: string) =>
      attackConfig({ kind: 'evade', dataset: dataDir, algos: ['dhash'], mode: 'blackbox', maxQueries: 80, out });
    const outcome = (store: RunStore, id: string) =>
      store
        .getResults<AttackUnitResult>(id, 'attacks')
        .map(({ key, value }) => [key, JSON.stringify(value, (k, v: unknown) => (k === 'seconds' ? undefined : v))]);
    const whole = RunStore.open(join(scratch.dir, 'attack-whole.sqlite'));
    const reference = await runAttack(cfg(join(scratch.dir, 'attack-whole')), { store: whole });
    const shards = [];
    for (let index = 0; index < 3; index++) {
      const store = RunStore.open(join(scratch.dir, `attack-${index}.sqlite`));
      await runAttack(cfg(join(scratch.dir, 'attack-whole')), { store, shard: { index, count: 3 } });
      shards.push(store);
    }
    const into = RunStore.open(join(scratch.dir, 'attack-merged.sqlite'));
    const rules = { ...MERGE_RULES, ...ATTACK_MERGE_RULES };
    const report = await mergeRuns(shards, into, rules);
    expect(report.complete).toBe(true);
    expect(outcome(into, report.run.id)).toEqual(outcome(whole, reference.run.id));
    const merged = into.getArtifact<typeof reference.summary>(report.run.id, 'summary')!;
    expect(merged.algorithms.dhash!.successes).toBe(reference.summary.algorithms.dhash!.successes);
    expect((await mergeRuns([shards[0]!, ...shards], into, rules)).rowsAdded).toBe(0);
    await expect(mergeRuns(shards, RunStore.open(join(scratch.dir, 'attack-no-rule.sqlite')))).rejects.toThrow(
      /cannot be merged/,
    );
    for (const s of [whole, into, ...shards]) s.close();
  });
});
