import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countAtMost, mean, total } from '../src/eval/histogram.js';
import { relatedHistogram, type AlgoRobustness, type RobustnessSummary } from '../src/eval/robustness-summary.js';
import { RunStore } from '../src/eval/store.js';
import { scratchDir } from './helpers/images.js';

const a: AlgoRobustness = {
  nbits: 4,
  overall: { nbits: 4, counts: [1, 2, 0, 0, 1] },
  perTransform: {
    'jpeg(q=30)': { nbits: 4, counts: [0, 1, 0, 0, 0] },
    'flip(axis=h)': { nbits: 4, counts: [1, 1, 0, 0, 1] },
  },
  retrieval: { 'jpeg(q=30)': { targetPrecision: 0.99, queries: 1, threshold: 1, recall: 1, precision: 1 } },
};

const summary: RobustnessSummary = {
  items: 3,
  failedItems: [],
  failedVariants: 0,
  transforms: ['jpeg(q=30)', 'flip(axis=h)'],
  retrievalPrecision: 0.99,
  algos: { phash: a },
};

describe('relatedHistogram', () => {
  it("gives a summary's related-pair histograms, which the histogram helpers take as they are", () => {
    const all = relatedHistogram(a);
    expect(all).toEqual({ nbits: 4, counts: [1, 2, 0, 0, 1] });
    expect([total(all), countAtMost(all, 1), mean(all)]).toEqual([4, 3, (0 + 2 + 4) / 4]);
    expect(countAtMost(relatedHistogram(a, 'flip(axis=h)'), 3)).toBe(2);
  });

  it('is empty, with the right length, for an edit the run did not measure', () => {
    expect(relatedHistogram(a, 'blur(sigma=2)')).toEqual({ nbits: 4, counts: [0, 0, 0, 0, 0] });
  });
});

describe('stored robustness summaries', () => {
  const scratch = scratchDir('summary-histogram');
  afterAll(() => scratch.cleanup());
  const store = RunStore.open(join(scratch.dir, 'runs.sqlite'));
  afterAll(() => store.close());

  it('reads a summary stored with bare count arrays (earlier versions) as DistanceHistograms', () => {
    const run = store.createRun({ kind: 'robustness', config: {} });
    const legacy = {
      ...summary,
      algos: {
        phash: {
          nbits: 4,
          overall: [1, 2, 0, 0, 1],
          perTransform: { 'jpeg(q=30)': [0, 1, 0, 0, 0], 'flip(axis=h)': [1, 1, 0, 0, 1] },
          retrieval: a.retrieval,
        },
      },
    };
    store.putArtifact(run.id, 'summary', legacy);
    const read = store.getArtifact<RobustnessSummary>(run.id, 'summary')!;
    expect(read).toEqual(summary);
    expect(countAtMost(relatedHistogram(read.algos.phash!, 'flip(axis=h)'), 3)).toBe(2);
  });

  it('reads a current summary unchanged, and leaves other kinds of run alone', () => {
    const run = store.createRun({ kind: 'robustness', config: {} });
    store.putArtifact(run.id, 'summary', summary);
    expect(store.getArtifact(run.id, 'summary')).toEqual(summary);
    const other = store.createRun({ kind: 'fpr', config: {} });
    const fpr = { algos: { phash: { nbits: 4, counts: [1, 0, 0, 0, 0], overall: [1] } } };
    store.putArtifact(other.id, 'summary', fpr);
    expect(store.getArtifact(other.id, 'summary')).toEqual(fpr);
  });
});
