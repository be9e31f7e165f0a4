import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { RunStore } from '../src/eval/store.js';
import { findReusableRun } from '../src/demo/demo.js';
import { scratchDir } from './helpers/images.js';

const scratch = scratchDir('report-demo');
afterAll(scratch.cleanup);

describe('demo run reuse', () => {
  it('reuses the latest finished run of the same kind, configuration and dataset, else resumes an unfinished one', () => {
    const store = RunStore.open(join(scratch.dir, 'runs.sqlite'));
    const config = {
      dataset: '/somewhere/sample',
      algos: ['ahash', 'pdq'],
      maxPairs: 5,
      seed: 1,
      keepDuplicates: false,
    };
    const at = (s: number): Date => new Date(Date.UTC(2025, 0, 1, 0, 0, s));
    const create = (c: object, datasetHash: string, s: number) =>
      store.createRun({ kind: 'fpr', config: c, seed: 1, datasetHash }, at(s));

    expect(findReusableRun(store, 'fpr', config, 'fp-a')).toBeUndefined();
    const interrupted = create(config, 'fp-a', 1);
    expect(findReusableRun(store, 'fpr', config, 'fp-a')?.id).toBe(interrupted.id);

    const done = create({ ...config, dataset: '/elsewhere/sample' }, 'fp-a', 2);
    store.setStatus(done.id, 'done');
    const later = create(config, 'fp-a', 3);
    // A finished run wins over a later unfinished one; the dataset path does not matter, its fingerprint does.
    expect(findReusableRun(store, 'fpr', config, 'fp-a')?.id).toBe(done.id);
    store.setStatus(later.id, 'failed');
    expect(findReusableRun(store, 'fpr', config, 'fp-a')?.id).toBe(done.id);

    // Key order is irrelevant; any other difference in configuration, kind or dataset is a different run.
    const reordered = { seed: 1, keepDuplicates: false, maxPairs: 5, algos: ['ahash', 'pdq'], dataset: 'x' };
    expect(findReusableRun(store, 'fpr', reordered, 'fp-a')?.id).toBe(done.id);
    expect(findReusableRun(store, 'fpr', { ...config, seed: 2 }, 'fp-a')).toBeUndefined();
    expect(findReusableRun(store, 'fpr', { ...config, algos: ['pdq', 'ahash'] }, 'fp-a')).toBeUndefined();
    expect(findReusableRun(store, 'fpr', config, 'fp-b')).toBeUndefined();
    expect(findReusableRun(store, 'robustness', config, 'fp-a')).toBeUndefined();
    store.close();
  });
});
