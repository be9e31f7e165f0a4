// onnxruntime-node sessions for model cards: created once per (model, thread count), checked against the card, run in batches.
import { existsSync } from 'node:fs';
import type * as Ort from 'onnxruntime-node';
import { ModelCardError, type ModelCard } from './card.js';
import { inputTensorSize } from './preprocess.js';

/** How a session runs; the default of one intra-op thread suits scanlab's one-worker-per-core parallelism. */
export interface NeuralSessionOptions {
  /** Threads onnxruntime may use inside one operator (default 1, or SCANLAB_NEURAL_THREADS). */
  readonly intraOpThreads?: number;
}

/** A loaded model with the names and batch rule it is run with. */
export interface ModelSession {
  /** The onnxruntime module, imported on first use so that commands without neural hashes never load it. */
  readonly ort: typeof Ort;
  readonly session: Ort.InferenceSession;
  readonly inputName: string;
  readonly outputName: string;
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
function checkInputShape(card: ModelCard, session: Ort.InferenceSession, inputName: string): void {
  const meta = session.inputMetadata.find((m) => m.name === inputName);
  if (!meta || !meta.isTensor) return;
  const { layout, channels, height, width } = card.input;
  const expected = layout === 'NCHW' ? [channels, height, width] : [height, width, channels];
  const declared = meta.shape.slice(1);
  const clash = meta.shape.length !== 4 || declared.some((d, i) => typeof d === 'number' && d !== expected[i]);
  if (clash)
    throw new ModelCardError(
      `${card.cardPath}: input.shape [${['N', ...expected].join(', ')}] does not fit the model's input ${inputName} [${meta.shape.join(', ')}]`,
    );
  if (meta.shape[0] === 1 && card.input.batch !== 1)
    throw new ModelCardError(
      `${card.cardPath}: input.shape says any batch size but the model's input ${inputName} takes batch 1`,
    );
}

interface LoadedModel {
  readonly ort: typeof Ort;
  readonly session: Ort.InferenceSession;
}

const sessions = new Map<string, Promise<LoadedModel>>();

async function loadSession(card: ModelCard, threads: number): Promise<LoadedModel> {
  if (!existsSync(card.modelPath))
    throw new ModelCardError(`${card.cardPath}: model file ${card.modelPath} does not exist`);
  const ort = await import('onnxruntime-node');
  try {
    const session = await ort.InferenceSession.create(card.modelPath, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
    return { ort, session };
  } catch (e) {
    throw new ModelCardError(
      `${card.cardPath}: onnxruntime cannot load ${card.modelPath} (${String((e as Error).message).split('\n')[0]})`,
    );
  }
}

/**
 * The session for a card's model with `threads` intra-op threads: the ONNX file is loaded once per thread count and
 * shared by every card naming it; each call checks the card's names and input shape against the model.
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
  const inputName = pickName(card, 'input', card.input.name, session.inputNames);
  const outputName = pickName(card, 'output', card.output.name, session.outputNames);
  checkInputShape(card, session, inputName);
  return { ort, session, inputName, outputName };
}

function tensorDims(card: ModelCard, batch: number): number[] {
  const { layout, channels, height, width } = card.input;
  return layout === 'NCHW' ? [batch, channels, height, width] : [batch, height, width, channels];
}

async function runOnce(card: ModelCard, model: ModelSession, data: Float32Array, batch: number): Promise<Float32Array> {
  const feeds = { [model.inputName]: new model.ort.Tensor('float32', data, tensorDims(card, batch)) };
  const result = await model.session.run(feeds, [model.outputName]);
  const output = result[model.outputName]!;
  if (output.type !== 'float32')
    throw new ModelCardError(`${card.cardPath}: output ${model.outputName} is ${output.type}, expected float32`);
  const values = output.data as Float32Array;
  if (values.length !== batch * card.output.size) {
    throw new ModelCardError(
      `${card.cardPath}: output.size is ${card.output.size} but ${model.outputName} gave ${values.length / batch} values per image`,
    );
  }
  return values;
}

/**
 * Runs a batch tensor of `batch` images through the model and returns batch × output.size embedding values. Models
 * with a fixed batch of 1 are run once per image on the same session.
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
