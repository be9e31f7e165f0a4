import { describe, expect, it } from 'vitest';
import { countAtMost, mean, total } from '../src/eval/histogram.js';
import { relatedHistogram, type AlgoRobustness } from '../src/eval/robustness-summary.js';

describe('relatedHistogram', () => {
  const a: AlgoRobustness = {
    nbits: 4,
    overall: [1, 2, 0, 0, 1],
    perTransform: { 'jpeg(q=30)': [0, 1, 0, 0, 0], 'flip(axis=h)': [1, 1, 0, 0, 1] },
    retrieval: {},
  };

  it("gives a summary's related-pair counts as the DistanceHistogram the helpers take", () => {
    const all = relatedHistogram(a);
    expect(all).toEqual({ nbits: 4, counts: [1, 2, 0, 0, 1] });
    expect([total(all), countAtMost(all, 1), mean(all)]).toEqual([4, 3, (0 + 2 + 4) / 4]);
    expect(countAtMost(relatedHistogram(a, 'flip(axis=h)'), 3)).toBe(2);
  });

  it('is empty, with the right length, for an edit the run did not measure', () => {
    expect(relatedHistogram(a, 'blur(sigma=2)')).toEqual({ nbits: 4, counts: [0, 0, 0, 0, 0] });
  });
});
