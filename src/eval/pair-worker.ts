// Worker thread for parallel pair histograms: each request is a row range of the shared packed hashes.
import { serveWorker } from '../hash/worker-serve.js';
import { allPairsHistogram, type PackedHashes } from './pair-distances.js';

serveWorker<PackedHashes, [number, number], number[]>((packed) => async ([from, to]) => allPairsHistogram(packed, from, to));
