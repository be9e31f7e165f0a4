// A worker for the pool tests: doubles each number it is sent, refuses negative ones, and names its thread.
import { threadId } from 'node:worker_threads';
import { serveWorker } from '../../src/util/worker-serve.js';

serveWorker<{ readonly offset: number }, number, { readonly value: number; readonly thread: number }>(
  ({ offset }) =>
    async (n) => {
      if (n < 0) throw new Error(`negative input ${n}`);
      return { value: 2 * n + offset, thread: threadId };
    },
);
