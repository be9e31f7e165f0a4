// Model sessions for model cards: created once per (model, thread count), checked against the card, run in batches.
import { existsSync } from 'node:fs';
import type * as Ort from 'onnxruntime-node';
import { messageOf } from '../../util/message.js';
import { ModelCardError, type ModelCard } from './card.js';
import { createOrtSession, runOrt, type ModelMeta, type ModelOutput } from './ort-session.js';
import { inputTensorSize } from './preprocess.js';

/** How a session runs; the default of one intra-op thread suits scanlab's one-worker-per-core parallelism. */
export interface NeuralSessionOptions {
  /** Threads onnxruntime may use inside one operator (default 1, or SCANLAB_NEURAL_THREADS). */
  readonly intraOpThreads?: number;
}

/** A loaded model with the names it is run with, in this thread or in a thread of its own (model-thread.ts). */
export interface ModelSession {
  readonly inputName: string;
  readonly outputName: string;
  /**
   * Runs the model on one float32 input tensor of shape `dims` and returns the output named `outputName`. A model
   * thread takes over the buffer of a tensor that fills it (it is transferred, not copied): do not use `data` after.
   */
  infer(data: Float32Array, dims: readonly number[]): Promise<ModelOutput>;
}

/** The intra-op thread count from options, else the SCANLAB_NEURAL_THREADS environment variable, else 1. */
export function intraOpThreads(options: NeuralSessionOptions = {}): number {
  const n = options.intraOpThreads ?? Number(process.env['SCANLAB_NEURAL_THREADS'] ?? 1);
  if (!Number.isInteger(n) || n < 1) throw new ModelCardError(`intra-op threads must be a positive integer, got ${n}`);
  return n;
}

function pickName(
  card: ModelCard,
  kind: 'input' | 'output',
  wanted: string | undefined,
  names: readonly string[],
): string {
  if (wanted === undefined) {
    if (kind === 'input' && names.length !== 1) {
      throw new ModelCardError(
        `${card.cardPath}: input.name is needed: model ${card.modelPath} has ${names.length} inputs (${names.join(', ')})`,
      );
    }
    return names[0]!;
  }
  if (!names.includes(wanted))
    throw new ModelCardError(
      `${card.cardPath}: ${kind}.name "${wanted}" is not in model ${card.modelPath} (it has: ${names.join(', ')})`,
    );
  return wanted;
}

/** Checks the model's declared input shape against the card, where the model declares one. */
function checkInputShape(card: ModelCard, meta: ModelMeta, inputName: string): void {
  const input = meta.inputMetadata.find((m) => m.name === inputName);
  if (!input || !input.isTensor) return;
  const { layout, channels, height, width } = card.input;
  const expected = layout === 'NCHW' ? [channels, height, width] : [height, width, channels];
  const declared = input.shape.slice(1);
  const clash = input.shape.length !== 4 || declared.some((d, i) => typeof d === 'number' && d !== expected[i]);
  if (clash)
    throw new ModelCardError(
      `${card.cardPath}: input.shape [${['N', ...expected].join(', ')}] does not fit the model's input ${inputName} [${input.shape.join(', ')}]`,
    );
  if (input.shape[0] === 1 && card.input.batch !== 1)
    throw new ModelCardError(
      `${card.cardPath}: input.shape says any batch size but the model's input ${inputName} takes batch 1`,
    );
}

/** The names a card's model is run with, after checking the card's names and input shape against the model. */
export function checkedNames(card: ModelCard, meta: ModelMeta): { inputName: string; outputName: string } {
  const inputName = pickName(card, 'input', card.input.name, meta.inputNames);
  const outputName = pickName(card, 'output', card.output.name, meta.outputNames);
  checkInputShape(card, meta, inputName);
  return { inputName, outputName };
}

/** The card's model file, or a ModelCardError when it is missing. */
export function modelFile(card: ModelCard): string {
  if (!existsSync(card.modelPath))
    throw new ModelCardError(`${card.cardPath}: model file ${card.modelPath} does not exist`);
  return card.modelPath;
}

/** The error for a model that onnxruntime could not load (`why`: its message). */
export const loadFailure = (card: ModelCard, why: string): ModelCardError =>
  new ModelCardError(`${card.cardPath}: onnxruntime cannot load ${card.modelPath} (${why})`);

interface LoadedModel {
  readonly ort: typeof Ort;
  readonly session: Ort.InferenceSession;
}

const sessions = new Map<string, Promise<LoadedModel>>();

async function loadSession(card: ModelCard, threads: number): Promise<LoadedModel> {
  const path = modelFile(card);
  try {
    return await createOrtSession(path, threads);
  } catch (e) {
    throw loadFailure(card, messageOf(e));
  }
}

/**
 * The session for a card's model with `threads` intra-op threads, in this thread: the ONNX file is loaded once per
 * thread count and shared by every card naming it; each call checks the card's names and input shape against the
 * model. onnxruntime-node runs it synchronously, blocking this thread for the length of each batch.
 */
export async function sessionFor(card: ModelCard, threads: number): Promise<ModelSession> {
  const key = `${card.modelPath}\u0000${threads}`;
  let entry = sessions.get(key);
  if (!entry) {
    entry = loadSession(card, threads);
    entry.catch(() => sessions.delete(key));
    sessions.set(key, entry);
  }
  const { ort, session } = await entry;
  const names = checkedNames(card, session);
  return { ...names, infer: (data, dims) => runOrt(ort, session, names, data, dims) };
}

function tensorDims(card: ModelCard, batch: number): number[] {
  const { layout, channels, height, width } = card.input;
  return layout === 'NCHW' ? [batch, channels, height, width] : [batch, height, width, channels];
}

async function runOnce(card: ModelCard, model: ModelSession, data: Float32Array, batch: number): Promise<Float32Array> {
  const output = await model.infer(data, tensorDims(card, batch));
  if (output.data === undefined)
    throw new ModelCardError(`${card.cardPath}: output ${model.outputName} is ${output.type}, expected float32`);
  const values = output.data;
  if (values.length !== batch * card.output.size) {
    throw new ModelCardError(
      `${card.cardPath}: output.size is ${card.output.size} but ${model.outputName} gave ${values.length / batch} values per image`,
    );
  }
  return values;
}

/**
 * Runs a batch tensor of `batch` images through the model and returns batch × output.size embedding values. Models
 * with a fixed batch of 1 are run once per image on the same session. The tensor may be handed over (see `infer`).
 */
export async function runModel(
  card: ModelCard,
  model: ModelSession,
  tensor: Float32Array,
  batch: number,
): Promise<Float32Array> {
  if (card.input.batch === 'dynamic' || batch === 1) return runOnce(card, model, tensor, batch);
  const perImage = inputTensorSize(card);
  const out = new Float32Array(batch * card.output.size);
  for (let i = 0; i < batch; i++) {
    out.set(await runOnce(card, model, tensor.subarray(i * perImage, (i + 1) * perImage), 1), i * card.output.size);
  }
  return out;
}
