// The worker side of `orderedPool`: answers each request with the handler's output, or with its error message.
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import type { PoolReply, PoolRequest } from './worker-pool.js';

/** Serves requests in this worker thread; `setup` runs once with the pool's workerData. libvips gets one thread. */
export function serveWorker<C, I, O>(setup: (config: C) => (input: I) => Promise<O>): void {
  sharp.concurrency(1);
  const handle = setup(workerData as C);
  parentPort!.on('message', (request: PoolRequest<I>) => void answer(request));
  async function answer(request: PoolRequest<I>): Promise<void> {
    let reply: PoolReply<O>;
    try {
      reply = { index: request.index, output: await handle(request.input) };
    } catch (e) {
      reply = { index: request.index, error: e instanceof Error ? e.message : String(e) };
    }
    parentPort!.postMessage(reply);
  }
}
