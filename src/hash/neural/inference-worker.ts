// Worker thread that owns one onnxruntime session and runs the input tensors it is sent (see model-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { createOrtSession, runOrt } from './ort-session.js';
import { enterRun, leaveRun } from './run-gate.js';
import { messageOf } from '../../util/message.js';
import type { ModelThreadConfig, ModelThreadReply, ModelThreadRequest } from './model-thread.js';

const { modelPath, threads, gate } = workerData as ModelThreadConfig;
const port = parentPort!;

/** Loads the model with the gate held, so that the owner does not end this thread inside onnxruntime. */
async function load(): Promise<Awaited<ReturnType<typeof createOrtSession>>> {
  if (!enterRun(gate)) throw new Error('the model thread was closed');
  try {
    return await createOrtSession(modelPath, threads);
  } finally {
    leaveRun(gate);
  }
}

try {
  const { ort, session } = await load();
  // onnxruntime-node runs a model synchronously in the calling thread: that is why it has a thread of its own.
  const run = async (request: ModelThreadRequest): Promise<ModelThreadReply> => {
    if (!enterRun(gate)) return { kind: 'error', id: request.id, message: 'the model thread was closed' };
    try {
      return { kind: 'output', id: request.id, ...(await runOrt(ort, session, request, request.data, request.dims)) };
    } catch (e) {
      return { kind: 'error', id: request.id, message: messageOf(e) };
    } finally {
      leaveRun(gate);
    }
  };
  // One run at a time, in order: a run holds the gate until its output is back.
  let last = Promise.resolve();
  port.on('message', (request: ModelThreadRequest) => {
    last = last.then(() => run(request)).then((reply) => port.postMessage(reply));
  });
  const { inputNames, outputNames, inputMetadata } = session;
  port.postMessage({ kind: 'ready', inputNames, outputNames, inputMetadata } satisfies ModelThreadReply);
} catch (e) {
  port.postMessage({ kind: 'failed', message: messageOf(e) } satisfies ModelThreadReply);
}
