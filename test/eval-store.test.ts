import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore, StoreError } from '../src/eval/store.js';
import { scratchDir } from './helpers/images.js';

const scratch = scratchDir('store');
afterAll(scratch.cleanup);

describe('RunStore', () => {
  it('creates runs with config, seed and provenance, and finds them by id, prefix or name', () => {
    const path = join(scratch.dir, 'a.sqlite');
    const store = RunStore.open(path);
    const run = store.createRun(
      { kind: 'fpr', name: 'first', config: { algos: ['pdq'] }, seed: 42, datasetHash: 'abc' },
      new Date('2026-01-02T03:04:05Z'),
    );
    expect(run.id).toMatch(/^20260102-030405-[0-9a-f]{6}$/);
    expect(run.status).toBe('running');
    expect(run.provenance.node).toBe(process.versions.node);
    expect(run.provenance.packages.sharp).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.provenance.libsodium).toMatch(/^libsodium .*\((native|WebAssembly)/);
    store.close();

    const again = RunStore.openExisting(path, { readonly: false });
    expect(again.getRun(run.id)).toMatchObject({
      name: 'first',
      config: { algos: ['pdq'] },
      seed: '42',
      datasetHash: 'abc',
    });
    expect(again.getRun(run.id.slice(0, 17)).id).toBe(run.id);
    expect(again.getRun('first').id).toBe(run.id);
    again.setStatus(run.id, 'done');
    expect(again.getRun(run.id).status).toBe('done');
    expect(again.getRun(run.id).endedAt).not.toBeNull();
    expect(() => again.getRun('nosuch')).toThrow(StoreError);
    again.createRun({ kind: 'fpr', name: 'first', config: {} });
    expect(() => again.getRun('first')).toThrow(/matches 2 runs/);
    expect(again.listRuns()).toHaveLength(2);
    again.close();
  });

  it('stores result batches atomically, lists completed keys and returns rows by key', () => {
    const store = RunStore.open(join(scratch.dir, 'b.sqlite'));
    const { id } = store.createRun({ kind: 'robustness', config: {} });
    store.putResults(id, 'distances', [
      { key: 'b', value: { d: 2 } },
      { key: 'a', value: { d: 1 } },
    ]);
    expect(() =>
      store.putResults(id, 'distances', [
        { key: 'c', value: 3 },
        { key: 'd', value: BigInt(1) as unknown },
      ]),
    ).toThrow();
    expect([...store.resultKeys(id, 'distances')].sort()).toEqual(['a', 'b']);
    expect(store.getResults(id, 'distances')).toEqual([
      { key: 'a', value: { d: 1 } },
      { key: 'b', value: { d: 2 } },
    ]);
    store.putArtifact(id, 'summary', { tpr: 0.9 });
    expect(store.getArtifact(id, 'summary')).toEqual({ tpr: 0.9 });
    expect(store.getArtifact(id, 'missing')).toBeUndefined();
    expect(store.listArtifacts(id)).toEqual(['summary']);
    expect(store.resultTables(id)).toEqual(['distances']);
    store.close();
  });

  it('caches hashes by content, algorithm and decoding rule', () => {
    const store = RunStore.open(join(scratch.dir, 'c.sqlite'));
    store.putCachedHashes([{ contentSha256: 'ff', algo: 'pdq', decode: 'raw', hash: '00', quality: 90 }]);
    expect(store.getCachedHash('ff', 'pdq', 'raw')).toEqual({
      contentSha256: 'ff',
      algo: 'pdq',
      decode: 'raw',
      hash: '00',
      quality: 90,
    });
    expect(store.getCachedHash('ff', 'pdq', 'exif')).toBeUndefined();
    store.close();
  });

  it('refuses files that are not stores, newer schemas and missing stores', () => {
    const junk = join(scratch.dir, 'junk.sqlite');
    writeFileSync(junk, 'this is not sqlite '.repeat(100));
    expect(() => RunStore.open(junk)).toThrow(StoreError);
    const newer = join(scratch.dir, 'newer.sqlite');
    RunStore.open(newer).close();
    const db = new Database(newer);
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    expect(() => RunStore.open(newer)).toThrow(/newer scanlab/);
    expect(() => RunStore.openExisting(join(scratch.dir, 'none.sqlite'))).toThrow(/no run store/);
  });
});
