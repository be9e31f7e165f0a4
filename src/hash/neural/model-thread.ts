// A card's model in a worker thread of its own, so that the calling thread keeps decoding and resizing images
// (starting sharp's work in libuv's threads) while onnxruntime runs a batch, which it does synchronously.
import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorker } from '../../util/worker-pool.js';
import type { ModelCard } from './card.js';
import type { ModelMeta, ModelOutput } from './ort-session.js';
import { messageOf } from '../../util/message.js';
import { closeGate, dropGate, openGate } from './run-gate.js';
import { checkedNames, loadFailure, modelFile, type ModelSession } from './session.js';

/** What the worker is started with. */
export interface ModelThreadConfig {
  readonly modelPath: string;
  readonly threads: number;
  /** Shared with this thread: see run-gate.ts. */
  readonly gate: Int32Array;
}

/** One run: the input tensor's buffer is transferred, not copied. */
export interface ModelThreadRequest {
  readonly id: number;
  readonly inputName: string;
  readonly outputName: string;
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export type ModelThreadReply =
  | ({ readonly kind: 'ready' } & ModelMeta)
  | { readonly kind: 'failed'; readonly message: string }
  | ({ readonly kind: 'output'; readonly id: number } & ModelOutput)
  | { readonly kind: 'error'; readonly id: number; readonly message: string };

/** The worker's first message: the model loaded, or why not. */
type Loaded = Extract<ModelThreadReply, { kind: 'ready' | 'failed' }>;

/** A started worker: the model's metadata, runs by id, and a way to end it. */
interface RunningThread {
  readonly meta: ModelMeta;
  run(
    names: { inputName: string; outputName: string },
    data: Float32Array,
    dims: readonly number[],
  ): Promise<ModelOutput>;
  close(): Promise<void>;
}

/** A tensor whose buffer can be handed over whole: a view of part of a buffer (one image of a batch) is copied. */
function ownBuffer(data: Float32Array): Float32Array<ArrayBuffer> {
  const { buffer } = data;
  return buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buffer.byteLength
    ? new Float32Array(buffer)
    : data.slice();
}

/** The gates of the model threads alive in this process. */
const gates = new Set<Int32Array>();

/** How long closing a gate waits for a run in progress (a batch takes well under a second). */
const GATE_TIMEOUT_MS = 10_000;

/**
 * When the process exits (process.exit, e.g. on EPIPE, or naturally), Node ends its worker threads; one ended inside
 * onnxruntime aborts the process ("terminate called after throwing an instance of 'Napi::Error'"), so each gate is
 * closed first, letting a batch in progress finish. Registered with the first model thread.
 */
const closeGatesOnExit = (): void => {
  for (const gate of gates) closeGate(gate, GATE_TIMEOUT_MS);
};

/**
 * Starts a worker thread that loads the model with `threads` intra-op threads (the same session options as in this
 * thread, so the same embeddings). It keeps the process alive only while it loads or a run is waiting; `onStop` is
 * called once when it stops (error, exit or `close`), after every waiting run has been rejected.
 */
async function startThread(modelPath: string, threads: number, onStop: () => void): Promise<RunningThread> {
  if (!process.listeners('exit').includes(closeGatesOnExit)) process.on('exit', closeGatesOnExit);
  const gate = openGate();
  const config: ModelThreadConfig = { modelPath, threads, gate };
  const worker: Worker = startWorker(siblingModule(import.meta.url, 'inference-worker'), config);
  gates.add(gate);
  const waiting = new Map<number, { resolve: (o: ModelOutput) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let stopped: Error | undefined;
  let ready: ((reply: Loaded) => void) | undefined;
  const loading = new Promise<Loaded>((resolve) => (ready = resolve));
  const stop = (e: Error): void => {
    if (stopped) return;
    stopped = e;
    dropGate(gate);
    gates.delete(gate);
    ready?.({ kind: 'failed', message: e.message });
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
    onStop();
  };
  worker.on('message', (reply: ModelThreadReply) => {
    if (reply.kind === 'ready' || reply.kind === 'failed') {
      ready?.(reply);
      ready = undefined;
      worker.unref();
      return;
    }
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (waiting.size === 0) worker.unref();
    if (reply.kind === 'error') w?.reject(new Error(reply.message));
    else w?.resolve(reply);
  });
  worker.on('error', stop);
  worker.on('exit', (code) => stop(new Error(`the model thread stopped (exit code ${code})`)));
  const close = async (): Promise<void> => {
    closeGate(gate, GATE_TIMEOUT_MS);
    stop(new Error('the model thread was closed'));
    await worker.terminate();
  };
  const loaded = await loading;
  if (loaded.kind === 'failed') {
    await close();
    throw new Error(loaded.message);
  }
  const run: RunningThread['run'] = (names, data, dims) => {
    if (stopped) return Promise.reject(stopped);
    const id = nextId++;
    const tensor = ownBuffer(data);
    const request: ModelThreadRequest = { id, ...names, data: tensor, dims };
    if (waiting.size === 0) worker.ref();
    const output = new Promise<ModelOutput>((resolve, reject) => waiting.set(id, { resolve, reject }));
    worker.postMessage(request, [tensor.buffer]);
    return output;
  };
  return { meta: loaded, run, close };
}

const running = new Map<string, Promise<RunningThread>>();

/**
 * The card's model in a worker thread of its own, with `threads` intra-op threads: one thread per (model file, thread
 * count) in this process, started on first use and shared by every card naming the model, like the sessions of
 * `sessionFor`; each call checks the card's names and input shape against the model. An idle thread does not keep
 * the process alive; one that stopped is started again on the next call.
 */
export async function modelThreadFor(card: ModelCard, threads: number): Promise<ModelSession> {
  const modelPath = modelFile(card);
  const key = `${modelPath}\u0000${threads}`;
  let entry = running.get(key);
  if (!entry) {
    const started = startThread(modelPath, threads, () => {
      if (running.get(key) === started) running.delete(key);
    });
    entry = started;
    running.set(key, entry);
  }
  let thread: RunningThread;
  try {
    thread = await entry;
  } catch (e) {
    throw loadFailure(card, messageOf(e));
  }
  const names = checkedNames(card, thread.meta);
  return { ...names, infer: (data, dims) => thread.run(names, data, dims) };
}

/** Ends every model thread of this process (runs still waiting fail); later calls start new ones. */
export async function closeModelThreads(): Promise<void> {
  const threads = [...running.values()];
  running.clear();
  await Promise.all(threads.map((t) => t.then((thread) => thread.close()).catch(() => undefined)));
}
