// Worker thread for parallel pair histograms: each request is a row range of the shared packed hashes.
import { serveWorker } from '../util/worker-serve.js';
import { allPairsHistogram, type GroupedHashes } from './pair-distances.js';

serveWorker<GroupedHashes, [number, number], number[]>(
  (hashes) =>
    async ([from, to]) =>
      allPairsHistogram(hashes, from, to),
);
