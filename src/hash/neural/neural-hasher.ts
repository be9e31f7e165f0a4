// The learned-hash Hasher: card → preprocessing → ONNX embedding → projection → threshold → bits, batched.
import { existsSync } from 'node:fs';
import type { Image } from '../../image/types.js';
import { packMsbFirst } from '../bits.js';
import { defineHasher } from '../define.js';
import type { Hash, Hasher } from '../types.js';
import { loadModelCard, ModelCardError, type CardBits, type ModelCard } from './card.js';
import { batchTensor, preprocessBatch, resizeForModel } from './preprocess.js';
import { loadProjection, projectEmbeddings, type Projection } from './projection.js';
import { modelThreadFor } from './model-thread.js';
import { intraOpThreads, runModel, sessionFor, type ModelSession, type NeuralSessionOptions } from './session.js';

export interface NeuralHasher extends Hasher<string, number> {
  readonly card: ModelCard;
  /** Hashes several images with one batched model run (or one run per image for fixed-batch models). */
  hashBatch(images: readonly Image[]): Promise<Hash<string, number>[]>;
  /**
   * The first half of `hashBatch` for one image: its pixels resized to the model's input (in sharp's thread pool, so
   * images can be prepared while a batch runs, and the full-size image dropped before it).
   */
  prepare(image: Image): Promise<Uint8Array>;
  /** The second half: hashes prepared images with one batched model run; equals `hashBatch` of the images. */
  hashPrepared(prepared: readonly Uint8Array[]): Promise<Hash<string, number>[]>;
  /** The model's embeddings for several images, image after image (batch × output.size values). */
  embedBatch(images: readonly Image[]): Promise<Float32Array>;
  /**
   * This hasher with its model in a worker thread of its own, started now, so that the calling thread keeps
   * decoding and preparing images while a batch runs (onnxruntime-node blocks the thread that runs a model); the
   * hashes are the same. The thread is shared and kept like a session; an idle one does not keep the process alive
   * (`closeModelThreads` ends it).
   */
  withModelThread(): NeuralHasher;
}

export interface NeuralHasherOptions extends NeuralSessionOptions {
  /** Run the model in a worker thread of its own, loaded from the start (see `withModelThread`). */
  readonly modelThread?: boolean;
}

/** The values that become bits: the projection of each embedding, or the embedding itself; count × nbits values. */
export function hashValues(
  embeddings: Float32Array,
  count: number,
  projection: Projection | undefined,
): Float32Array | Float64Array {
  return projection ? projectEmbeddings(projection, embeddings, count) : embeddings;
}

/** Bits of one image from its values per the card's rule and order, packed most significant first. */
export function valuesToHash(
  id: string,
  values: ArrayLike<number>,
  offset: number,
  bits: CardBits,
): Hash<string, number> {
  const n = bits.nbits;
  const out = new Uint8Array(n);
  const strict = bits.rule === '>';
  for (let i = 0; i < n; i++) {
    const v = values[offset + i]!;
    out[bits.order === 'msb-first' ? i : n - 1 - i] = (strict ? v > bits.threshold : v >= bits.threshold) ? 1 : 0;
  }
  return packMsbFirst(id, out);
}

/**
 * A hasher for the model card at `cardPath` (relative paths in the card are relative to the card). The card and its
 * projection file are read and checked now, so mistakes surface before any work; the ONNX session is created on the
 * first hash and shared by every hasher of the same model in this thread.
 */
export function neuralHasher(
  cardPath: string,
  id = `neural:${cardPath}`,
  options: NeuralHasherOptions = {},
): NeuralHasher {
  const card = loadModelCard(cardPath);
  const projection = card.projection ? loadProjection(card.projection) : undefined;
  if (!existsSync(card.modelPath))
    throw new ModelCardError(
      `${card.cardPath}: model file ${card.modelPath} does not exist (run scanlab models check ${cardPath})`,
    );
  const threads = intraOpThreads(options);
  let model: Promise<ModelSession> | undefined;

  const session = (): Promise<ModelSession> => {
    if (!model) {
      model = options.modelThread ? modelThreadFor(card, threads) : sessionFor(card, threads);
      model.catch(() => (model = undefined));
    }
    return model;
  };
  if (options.modelThread) void session().catch(() => undefined); // loads while the first images are prepared
  const embedBatch = async (images: readonly Image[]): Promise<Float32Array> => {
    if (images.length === 0) return new Float32Array(0);
    const [loaded, tensor] = await Promise.all([session(), preprocessBatch(images, card)]);
    return runModel(card, loaded, tensor, images.length);
  };
  const bitsOf = (embeddings: Float32Array, count: number): Hash<string, number>[] => {
    const values = hashValues(embeddings, count, projection);
    return Array.from({ length: count }, (_, i) => valuesToHash(id, values, i * card.bits.nbits, card.bits));
  };
  const hashBatch = async (images: readonly Image[]): Promise<Hash<string, number>[]> =>
    bitsOf(await embedBatch(images), images.length);
  const hashPrepared = async (prepared: readonly Uint8Array[]): Promise<Hash<string, number>[]> => {
    if (prepared.length === 0) return [];
    const embeddings = await runModel(card, await session(), batchTensor(prepared, card), prepared.length);
    return bitsOf(embeddings, prepared.length);
  };
  const hasher = defineHasher({
    id,
    nbits: card.bits.nbits,
    decode: { applyExifOrientation: false, applyIccProfile: false },
    hash: async (image: Image) => (await hashBatch([image]))[0]!,
  });
  const prepare = (image: Image): Promise<Uint8Array> => resizeForModel(image, card);
  const withModelThread = (): NeuralHasher => neuralHasher(cardPath, id, { ...options, modelThread: true });
  return { ...hasher, card, embedBatch, hashBatch, prepare, hashPrepared, withModelThread };
}
