import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { gradientSteer, tensorMap, upsampleCentres } from '../src/attack/gradient-steer.js';
import { differentiableModel, UnsupportedGraphError } from '../src/attack/model-gradient.js';
import { HashOracle } from '../src/attack/oracle.js';
import { gainsFor, toRgb } from '../src/attack/pixels.js';
import { psnr } from '../src/attack/quality.js';
import { hamming } from '../src/hash/hamming.js';
import { loadModelCard, type ModelCard } from '../src/hash/neural/card.js';
import type { NeuralHasher } from '../src/hash/neural/neural-hasher.js';
import { OnnxFormatError, readOnnxGraph } from '../src/hash/neural/onnx-graph.js';
import { batchTensor } from '../src/hash/neural/preprocess.js';
import { getHasher } from '../src/hash/registry.js';
import { decodeImage } from '../src/image/decode.js';
import { createPrng } from '../src/util/prng.js';
import { encodeOnnxModel, type OnnxGraph as WrittenGraph } from './helpers/onnx-writer.js';
import { repoRoot } from './helpers/images.js';

const tinyCard = join(repoRoot, 'models', 'scanlab-tiny.json');
const sample = (name: string): string => join(repoRoot, 'datasets', 'sample', 'images', name);

function randoms(seed: number, n: number, scale = 1): Float32Array {
  const prng = createPrng(seed);
  return Float32Array.from({ length: n }, () => scale * prng.nextNormal());
}

/** A small CNN with the operators the reader must follow: strided, padded and grouped Conv, Gemm, Sigmoid, Mul, Sub. */
const small: WrittenGraph = {
  inputs: [{ name: 'x', shape: [1, 4, 9, 7] }],
  outputs: [{ name: 'y', shape: [1, 5] }],
  nodes: [
    {
      op: 'Conv',
      inputs: ['x', 'w1', 'b1'],
      outputs: ['c1'],
      attributes: { strides: [2, 1], pads: [1, 0, 1, 2], group: 2 },
    },
    { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
    { op: 'Transpose', inputs: ['r1'], outputs: ['t1'], attributes: { perm: [0, 1, 3, 2] } },
    { op: 'Conv', inputs: ['t1', 'w2'], outputs: ['c2'], attributes: { dilations: [2, 1], pads: [2, 1, 2, 1] } },
    { op: 'GlobalAveragePool', inputs: ['c2'], outputs: ['g'] },
    { op: 'Flatten', inputs: ['g'], outputs: ['f'] },
    { op: 'Gemm', inputs: ['f', 'wg', 'bg'], outputs: ['e'], attributes: { transB: 1, alpha: { float: 0.7 } } },
    { op: 'Sigmoid', inputs: ['e'], outputs: ['s'] },
    { op: 'Mul', inputs: ['s', 'k'], outputs: ['m'] },
    { op: 'Sub', inputs: ['m', 'e'], outputs: ['y'] },
  ],
  initializers: [
    { name: 'w1', dims: [6, 2, 3, 3], values: randoms(1, 108, 0.5) },
    { name: 'b1', dims: [6], values: randoms(2, 6, 0.1) },
    { name: 'w2', dims: [3, 6, 3, 2], values: randoms(3, 108, 0.5) },
    { name: 'wg', dims: [5, 3], values: randoms(4, 15) },
    { name: 'bg', dims: [5], values: randoms(5, 5) },
    { name: 'k', dims: [5], values: randoms(6, 5) },
  ],
};

/** Σ w · f(x + εd) − Σ w · f(x − εd), over 2ε: the directional derivative the analytic gradient must give. */
function centralDifference(
  f: (x: Float64Array) => Float64Array,
  x: Float64Array,
  d: Float64Array,
  w: Float64Array,
  eps: number,
): number {
  const at = (s: number) => f(x.map((v, i) => v + s * d[i]!)).reduce((a, v, i) => a + v * w[i]!, 0);
  return (at(eps) - at(-eps)) / (2 * eps);
}

const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('ONNX graph reader', () => {
  it('reads back what the test writer encodes: nodes, attributes, initializers, inputs and outputs', () => {
    const g = readOnnxGraph(encodeOnnxModel(small));
    expect(g.inputs).toEqual(['x']);
    expect(g.outputs).toEqual(['y']);
    expect(g.nodes.map((n) => n.op)).toEqual(small.nodes.map((n) => n.op));
    expect(g.nodes[0]!.attributes.get('pads')).toEqual([1, 0, 1, 2]);
    expect(g.nodes[0]!.attributes.get('group')).toBe(2);
    expect(g.nodes[6]!.attributes.get('alpha')).toBeCloseTo(0.7, 6);
    expect(g.initializers.get('w2')!.dims).toEqual([3, 6, 3, 2]);
    expect(Array.from(g.initializers.get('k')!.data)).toEqual(Array.from(small.initializers[5]!.values));
  });

  it('refuses truncated or foreign bytes with a format error', () => {
    const bytes = encodeOnnxModel(small);
    expect(() => readOnnxGraph(bytes.subarray(0, bytes.length - 7))).toThrow(OnnxFormatError);
    expect(() => readOnnxGraph(new TextEncoder().encode('not a model at all'))).toThrow(OnnxFormatError);
  });
});

describe('differentiable model', () => {
  it('equals onnxruntime on a written CNN and its gradient equals central differences', async () => {
    const bytes = encodeOnnxModel(small);
    const model = differentiableModel(readOnnxGraph(bytes), [1, 4, 9, 7], 'y');
    const x = Float64Array.from(randoms(7, 252));
    const session = await ort.InferenceSession.create(bytes);
    const ref = (await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), [1, 4, 9, 7]) })).y!
      .data as Float32Array;
    const run = model.run(x);
    for (let i = 0; i < 5; i++) expect(run.output[i]!).toBeCloseTo(ref[i]!, 5);
    const w = Float64Array.from(randoms(8, 5));
    const grad = run.gradient(w);
    for (let t = 0; t < 3; t++) {
      const d = Float64Array.from(randoms(20 + t, 252));
      const fd = centralDifference((v) => model.run(v).output, x, d, w, 1e-6);
      expect(dot(grad, d)).toBeCloseTo(fd, 6);
    }
  });

  it('names the operator it cannot differentiate', () => {
    const graph = readOnnxGraph(
      encodeOnnxModel({ ...small, nodes: [{ op: 'LpNormalization', inputs: ['x'], outputs: ['y'] }] }),
    );
    expect(() => differentiableModel(graph, [1, 4, 9, 7], 'y')).toThrow(UnsupportedGraphError);
    expect(() => differentiableModel(graph, [1, 4, 9, 7], 'y')).toThrow(/LpNormalization/);
  });

  it("evaluates scanlab-tiny's exported graph as onnxruntime does, with exact gradients", async () => {
    const card = loadModelCard(tinyCard);
    const hasher = getHasher(`neural:${tinyCard}`) as NeuralHasher;
    const image = toRgb(await decodeImage(sample('skimage-coffee.jpg')));
    const tensor = Float64Array.from(batchTensor([await hasher.prepare(image)], card));
    const model = differentiableModel(readOnnxGraph(readFileSync(card.modelPath)), [1, 3, 64, 64], 'embedding');
    const run = model.run(tensor);
    const ref = await hasher.embedBatch([image]);
    for (let i = 0; i < 128; i++) expect(Math.abs(run.output[i]! - ref[i]!)).toBeLessThan(1e-5);
    const w = Float64Array.from(randoms(9, 128));
    const grad = run.gradient(w);
    const d = Float64Array.from(randoms(10, tensor.length));
    const fd = centralDifference((v) => model.run(v).output, tensor, d, w, 1e-6);
    expect(Math.abs(dot(grad, d) - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
  });
});

describe('white-box attack on a learned hash through its gradient', () => {
  it("maps resized pixels to the card's tensor as preprocessing does, for every layout and channel order", () => {
    const base = loadModelCard(tinyCard);
    const variants: ModelCard[] = [
      base,
      { ...base, input: { ...base.input, layout: 'NHWC' } },
      { ...base, input: { ...base.input, channelOrder: 'BGR' } },
      {
        ...base,
        input: { ...base.input, channels: 1, channelOrder: 'grey' },
        normalize: { scale: 1 / 127.5, mean: [1], std: [1] },
      },
    ];
    const prng = createPrng(11);
    for (const card of variants) {
      const pixels = Uint8Array.from({ length: card.input.channels * 64 * 64 }, () => prng.nextInt(256));
      const ref = batchTensor([pixels], card);
      const { source, gain, bias } = tensorMap(card);
      for (let e = 0; e < ref.length; e++) expect(pixels[source[e]!]! * gain[e]! + bias[e]!).toBeCloseTo(ref[e]!, 5);
    }
  });

  it('carries a model-size perturbation to full size through the pixel centres', () => {
    const delta = Float64Array.from({ length: 4 * 4 * 3 }, (_, i) => i);
    const up = upsampleCentres(delta, 4, 4, 3, 8, 8);
    // Pixel (1, 1) of 8 × 8 sits on model pixel (0.25, 0.25) → clamped interpolation between model pixels 0 and 1.
    expect(up[(1 * 8 + 1) * 3]).toBeCloseTo(0.75 * 0.75 * 0 + 0.75 * 0.25 * 3 + 0.25 * 0.75 * 12 + 0.25 * 0.25 * 15, 5);
    // Same size: the perturbation itself.
    expect(Array.from(upsampleCentres(delta, 4, 4, 3, 4, 4))).toEqual(Array.from(delta));
  });

  it('evades scanlab-tiny where estimated gradients failed; the uploaded JPEG re-hashes past τ at ≥ 30 dB', async () => {
    const hasher = getHasher(`neural:${tinyCard}`) as NeuralHasher;
    for (const name of ['skimage-retina.jpg', 'skimage-color-wheel.jpg']) {
      const source = toRgb(await decodeImage(await sharp(sample(name)).resize(160, 160).png().toBuffer()));
      const reference = await hasher.hash(source);
      const oracle = new HashOracle(hasher, 200);
      const result = await gradientSteer(
        {
          source,
          oracle,
          goal: { kind: 'evade', reference, maxDistance: 10 },
          limits: { minPsnr: 30, maxQueries: 200 },
          prng: createPrng(1),
          gains: gainsFor(hasher.id),
        },
        hasher,
      );
      expect(result?.status, name).toBe('success');
      if (result?.status !== 'success') continue;
      const uploaded = toRgb(await decodeImage(result.upload.bytes));
      expect(hamming(await hasher.hash(uploaded), reference)).toBe(result.distance);
      expect(result.distance).toBeGreaterThan(10);
      expect(psnr(source, uploaded)).toBeGreaterThanOrEqual(30);
      expect(result.queries).toBeLessThanOrEqual(200);
    }
  });
});
