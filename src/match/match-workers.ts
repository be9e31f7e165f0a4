// Radius search served by worker threads that share one index's memory (SharedArrayBuffers): queries go out in chunks.
import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorker, type PoolReply, type PoolRequest } from '../util/worker-pool.js';
import { MatchError } from './errors.js';
import { IndexSearcher, type MatchIndex, type SearcherOptions } from './match-index.js';
import type { PackedHashes } from './packed.js';
import { MatchBuffer, type Match } from './results.js';
import type { SubstringTable } from './substring-table.js';

/** What a worker needs of the index: the hashes and tables (shared memory, not copied), not the ids or metadata. */
export interface WorkerIndex {
  readonly algo: string;
  readonly designRadius: number;
  readonly hashes: PackedHashes;
  readonly tables: readonly SubstringTable[];
  readonly options: SearcherOptions;
}

/** Consecutive packed queries searched at one radius. */
export interface QueryChunk {
  readonly queries: Int32Array;
  readonly radius: number;
}

/** The matches of a chunk, query after query: query q's are `[ends[q-1], ends[q])` of indices and distances. */
export interface ChunkMatches {
  readonly ends: Int32Array;
  readonly indices: Uint32Array;
  readonly distances: Uint16Array;
}

/** The index as a worker sees it. */
export const workerIndexOf = (config: WorkerIndex): MatchIndex => ({
  list: { algo: config.algo, hashes: config.hashes, ids: null, columns: [] },
  designRadius: config.designRadius,
  tables: config.tables,
});

/** Searches every query of a chunk. */
export function searchChunk(searcher: IndexSearcher, chunk: QueryChunk): ChunkMatches {
  const { words } = searcher.index.list.hashes;
  const count = Math.floor(chunk.queries.length / words);
  const ends = new Int32Array(count);
  const out = new MatchBuffer();
  for (let q = 0; q < count; q++) {
    searcher.radiusInto(chunk.queries.subarray(q * words, (q + 1) * words), chunk.radius, out);
    ends[q] = out.length;
  }
  return { ends, indices: out.indices.slice(0, out.length), distances: out.distances.slice(0, out.length) };
}

const isShared = (v: ArrayBufferView): boolean => v.buffer instanceof SharedArrayBuffer;

/** Queries per message at most: enough to amortise the message. */
const MAX_CHUNK_QUERIES = 64;
/** Queries per message at least, except for the last chunk. */
const MIN_CHUNK_QUERIES = 8;

/**
 * Where the chunks of a batch of `count` queries end, for `jobs` workers taking the next chunk when they finish one.
 * Chunks shrink as the batch runs out (a quarter of what is left per worker, between 8 and 64 queries), so the
 * workers finish nearly together: with fixed chunks of 64, the last one left a worker idle for up to 64 queries.
 */
export function chunkEnds(count: number, jobs: number): number[] {
  const ends: number[] = [];
  for (let q = 0; q < count;) {
    const size = Math.ceil((count - q) / (4 * jobs));
    q = Math.min(count, q + Math.max(MIN_CHUNK_QUERIES, Math.min(MAX_CHUNK_QUERIES, size)));
    ends.push(q);
  }
  return ends;
}

/**
 * A pool of worker threads, each with its own searcher over the same index memory. The index must live on
 * SharedArrayBuffers (`buildIndex(list, { shared: true })` or `loadIndex(path, { shared: true })`), so starting
 * workers copies nothing. One batch at a time; `close` ends the threads.
 */
export class MatchWorkers {
  private busy = false;
  /** Set when a batch failed: a worker may still answer its chunk, so the pool cannot serve another batch. */
  private failed: Error | null = null;

  private constructor(
    private readonly workers: Worker[],
    private readonly words: number,
  ) {}

  static start(index: MatchIndex, jobs: number, options: SearcherOptions = {}): MatchWorkers {
    if (!Number.isInteger(jobs) || jobs < 1)
      throw new MatchError('argument', `jobs must be a positive integer, got ${jobs}`);
    const { hashes } = index.list;
    const views = [hashes.data, ...index.tables.flatMap((t) => [t.blockBase, t.bucketOffset, t.ids])];
    if (!views.every(isShared))
      throw new MatchError(
        'argument',
        'searching from worker threads needs the index on shared memory (build or load it with { shared: true })',
      );
    new IndexSearcher(index, options); // the options are checked here, where a mistake can be reported in one line
    const config: WorkerIndex = {
      algo: index.list.algo,
      designRadius: index.designRadius,
      hashes,
      tables: index.tables,
      options,
    };
    const module = siblingModule(import.meta.url, 'match-worker');
    return new MatchWorkers(
      Array.from({ length: jobs }, () => startWorker(module, config)),
      hashes.words,
    );
  }

  /** Every entry within `radius` of each packed query (`queries` holds them one after another), nearest first. */
  async radius(queries: Int32Array, radius: number): Promise<Match[][]> {
    if (this.busy) throw new MatchError('argument', 'MatchWorkers serves one batch at a time');
    if (this.failed) throw this.failed;
    this.busy = true;
    try {
      const count = Math.floor(queries.length / this.words);
      let from = 0;
      const chunks = chunkEnds(count, this.workers.length).map((end): QueryChunk => {
        const chunk = { queries: queries.slice(from * this.words, end * this.words), radius };
        from = end;
        return chunk;
      });
      const replies = await this.run(chunks);
      const results: Match[][] = [];
      replies.forEach((r) => {
        for (let q = 0, from = 0; q < r.ends.length; from = r.ends[q++]!) {
          const found: Match[] = [];
          for (let i = from; i < r.ends[q]!; i++) found.push({ index: r.indices[i]!, distance: r.distances[i]! });
          results.push(found.sort((a, b) => a.distance - b.distance || a.index - b.index));
        }
      });
      return results;
    } finally {
      this.busy = false;
    }
  }

  /** Sends each worker a chunk whenever it has none, until every chunk has been answered. */
  private run(chunks: readonly QueryChunk[]): Promise<ChunkMatches[]> {
    const replies: ChunkMatches[] = new Array(chunks.length);
    let next = 0;
    let answered = 0;
    return new Promise((resolve, reject) => {
      const cleanups: (() => void)[] = [];
      const finish = (error?: Error): void => {
        cleanups.forEach((c) => c());
        if (error) reject((this.failed = error));
        else resolve(replies);
      };
      const feed = (w: Worker): void => {
        if (next >= chunks.length) return;
        const request: PoolRequest<QueryChunk> = { index: next, input: chunks[next]! };
        next++;
        w.postMessage(request);
      };
      if (chunks.length === 0) return finish();
      for (const w of this.workers) {
        const onMessage = (reply: PoolReply<ChunkMatches>): void => {
          if (reply.error !== undefined) return finish(new MatchError('argument', reply.error));
          replies[reply.index] = reply.output!;
          if (++answered === chunks.length) return finish();
          feed(w);
        };
        const onError = (e: Error): void => finish(e);
        w.on('message', onMessage);
        w.on('error', onError);
        cleanups.push(() => {
          w.off('message', onMessage);
          w.off('error', onError);
        });
        feed(w);
      }
    });
  }

  /** Ends the worker threads. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
