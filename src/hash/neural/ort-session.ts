// Creating an onnxruntime-node session with scanlab's options, in whichever thread runs the model.
import type * as Ort from 'onnxruntime-node';

/** What a card is checked against: the model's input and output names and the inputs' declared shapes. */
export interface ModelMeta {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly Ort.InferenceSession.ValueMetadata[];
}

/**
 * Loads an ONNX file with `threads` intra-op threads, operators run one after another; onnxruntime-node is imported
 * on first use, so that commands without neural hashes never load it. Every thread that runs a model creates its
 * session here, so the embeddings are the same whichever thread computes them.
 */
export async function createOrtSession(
  modelPath: string,
  threads: number,
): Promise<{ readonly ort: typeof Ort; readonly session: Ort.InferenceSession }> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  return { ort, session };
}

/** The named output of one run: its element type, and its values when they are float32 (the only type scanlab reads). */
export interface ModelOutput {
  readonly type: string;
  readonly data?: Float32Array;
}

/** Runs a session on one float32 input tensor and returns the named output. */
export async function runOrt(
  ort: typeof Ort,
  session: Ort.InferenceSession,
  names: { readonly inputName: string; readonly outputName: string },
  data: Float32Array,
  dims: readonly number[],
): Promise<ModelOutput> {
  const outputs = await session.run({ [names.inputName]: new ort.Tensor('float32', data, dims) }, [names.outputName]);
  const output = outputs[names.outputName]!;
  return output.type === 'float32' ? { type: output.type, data: output.data as Float32Array } : { type: output.type };
}
