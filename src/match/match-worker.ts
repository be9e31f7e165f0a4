// A worker thread of MatchWorkers: answers chunks of radius queries against the index memory the main thread shares.
import { serveWorker } from '../util/worker-serve.js';
import { IndexSearcher } from './match-index.js';
import { searchChunk, workerIndexOf, type ChunkMatches, type QueryChunk, type WorkerIndex } from './match-workers.js';

serveWorker<WorkerIndex, QueryChunk, ChunkMatches>((config) => {
  const searcher = new IndexSearcher(workerIndexOf(config), config.options);
  return (chunk) => Promise.resolve(searchChunk(searcher, chunk));
});
