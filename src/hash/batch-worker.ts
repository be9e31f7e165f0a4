// Worker thread for `hashFiles`: builds the hashers once, then hashes each file it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import type { WorkerConfig, WorkerReply, WorkerRequest } from './batch.js';
import { createHashers, hashFile } from './hash-image.js';

sharp.concurrency(1);
const config = workerData as WorkerConfig;
const hashers = createHashers(config.algos);

parentPort!.on('message', async (request: WorkerRequest) => {
  const rows = await hashFile(request.file, hashers, config);
  const reply: WorkerReply = { index: request.index, rows };
  parentPort!.postMessage(reply);
});
