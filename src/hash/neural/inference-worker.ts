// Worker thread that owns one onnxruntime session and runs the input tensors it is sent (see model-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { createOrtSession, runOrt } from './ort-session.js';
import { messageOf } from '../../util/message.js';
import type { ModelThreadConfig, ModelThreadReply, ModelThreadRequest } from './model-thread.js';

const { modelPath, threads } = workerData as ModelThreadConfig;
const port = parentPort!;

try {
  const { ort, session } = await createOrtSession(modelPath, threads);
  // onnxruntime-node runs a model synchronously in the calling thread: that is why it has a thread of its own.
  const run = async (request: ModelThreadRequest): Promise<ModelThreadReply> => {
    try {
      return { kind: 'output', id: request.id, ...(await runOrt(ort, session, request, request.data, request.dims)) };
    } catch (e) {
      return { kind: 'error', id: request.id, message: messageOf(e) };
    }
  };
  port.on('message', (request: ModelThreadRequest) => void run(request).then((reply) => port.postMessage(reply)));
  const { inputNames, outputNames, inputMetadata } = session;
  port.postMessage({ kind: 'ready', inputNames, outputNames, inputMetadata } satisfies ModelThreadReply);
} catch (e) {
  port.postMessage({ kind: 'failed', message: messageOf(e) } satisfies ModelThreadReply);
}
