import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../src/hash/bits.js';
import { getHasher } from '../src/hash/registry.js';
import { parseModelCard } from '../src/hash/neural/card.js';
import { neuralHasher } from '../src/hash/neural/neural-hasher.js';
import { preprocessBatch, resizeForModel } from '../src/hash/neural/preprocess.js';
import type { Image } from '../src/image/types.js';
import { createPrng } from '../src/util/prng.js';
import { runCli } from './helpers/cli.js';
import { repoRoot, scratchDir } from './helpers/images.js';
import { encodeOnnxModel, type OnnxGraph } from './helpers/onnx-writer.js';

const scratch = scratchDir('neural-hasher');
const dir = scratch.dir;
afterAll(scratch.cleanup);

const prng = createPrng(20240611);
const randomFloats = (n: number, scale = 1): Float32Array =>
  Float32Array.from({ length: n }, () => (prng.nextOpenUnit() * 2 - 1) * scale);
const randomImage = (width: number, height: number, channels: 1 | 3 | 4): Image => ({
  width,
  height,
  channels,
  data: Uint8Array.from({ length: width * height * channels }, () => prng.nextInt(256)),
});

// ---------- Independent reference: plain loops over the definitions, in float64. ----------

/** Normalised planes [c][y][x] of an 8-bit interleaved image: (p·scale − mean)/std, channels optionally reversed. */
function referencePlanes(img: Image, scale: number, mean: number[], std: number[], bgr = false): Float64Array[] {
  return [0, 1, 2].map((c) => {
    const source = bgr ? 2 - c : c;
    const plane = new Float64Array(img.width * img.height);
    for (let i = 0; i < plane.length; i++)
      plane[i] = (img.data[i * img.channels + source]! * scale - mean[c]!) / std[c]!;
    return plane;
  });
}

/** Conv 3x3, stride 2, padding 1, bias; ReLU; global average; then Gemm with transB (y = W·x + b). */
function referenceModelA(
  planes: Float64Array[],
  size: number,
  w1: Float32Array,
  b1: Float32Array,
  w2: Float32Array,
  b2: Float32Array,
): number[] {
  const out = size / 2;
  const pooled: number[] = [];
  for (let o = 0; o < 4; o++) {
    let sum = 0;
    for (let oy = 0; oy < out; oy++) {
      for (let ox = 0; ox < out; ox++) {
        let v = b1[o]!;
        for (let c = 0; c < 3; c++) {
          for (let ky = 0; ky < 3; ky++) {
            for (let kx = 0; kx < 3; kx++) {
              const y = oy * 2 + ky - 1;
              const x = ox * 2 + kx - 1;
              if (y >= 0 && y < size && x >= 0 && x < size)
                v += w1[((o * 3 + c) * 3 + ky) * 3 + kx]! * planes[c]![y * size + x]!;
            }
          }
        }
        sum += Math.max(0, v);
      }
    }
    pooled.push(sum / (out * out));
  }
  return Array.from({ length: 16 }, (_, m) => b2[m]! + pooled.reduce((s, p, k) => s + w2[m * 4 + k]! * p, 0));
}

function referenceBits(values: number[], rule: (v: number) => boolean, lsbFirst = false): string {
  const bits = values.map((v) => (rule(v) ? '1' : '0'));
  const ordered = lsbFirst ? bits.reverse() : bits;
  return BigInt('0b' + ordered.join(''))
    .toString(16)
    .padStart(Math.ceil(values.length / 4), '0');
}

const matVec = (m: Float32Array, rows: number, cols: number, v: number[]): number[] =>
  Array.from({ length: rows }, (_, r) => v.reduce((s, x, c) => s + m[r * cols + c]! * x, 0));

// ---------- Model A: NCHW RGB, any batch size, conv net, 12x16 projection after a 16-byte header. ----------

const w1 = randomFloats(4 * 3 * 3 * 3);
const b1 = randomFloats(4, 0.1);
const w2 = randomFloats(16 * 4);
const b2 = randomFloats(16, 0.05);
const projA = randomFloats(12 * 16);

const modelA: OnnxGraph = {
  inputs: [{ name: 'pixels', shape: ['n', 3, 8, 8] }],
  outputs: [{ name: 'embedding', shape: ['n', 16] }],
  nodes: [
    {
      op: 'Conv',
      inputs: ['pixels', 'w1', 'b1'],
      outputs: ['conv'],
      attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] },
    },
    { op: 'Relu', inputs: ['conv'], outputs: ['relu'] },
    { op: 'GlobalAveragePool', inputs: ['relu'], outputs: ['pooled'] },
    { op: 'Flatten', inputs: ['pooled'], outputs: ['flat'], attributes: { axis: 1 } },
    { op: 'Gemm', inputs: ['flat', 'w2', 'b2'], outputs: ['embedding'], attributes: { transB: 1 } },
  ],
  initializers: [
    { name: 'w1', dims: [4, 3, 3, 3], values: w1 },
    { name: 'b1', dims: [4], values: b1 },
    { name: 'w2', dims: [16, 4], values: w2 },
    { name: 'b2', dims: [16], values: b2 },
  ],
};

const cardA = {
  name: 'toy-a',
  model: 'a.onnx',
  input: { name: 'pixels', shape: ['batch', 3, 8, 8], layout: 'NCHW', channels: 'RGB' },
  resize: { filter: 'lanczos3', fit: 'fill' },
  normalize: { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  output: { name: 'embedding', size: 16 },
  projection: { file: 'a.proj', format: 'raw', offset: 16, dtype: 'float32', shape: [12, 16], endianness: 'little' },
  bits: { rule: '>=', threshold: 0, order: 'msb-first', hexDigits: 3 },
};

// ---------- Model B: NHWC BGR, channel means then Gemm, bits straight from the embedding, LSB first, '>' 0.1. ----------

const w3 = randomFloats(8 * 3);
const b3 = randomFloats(8, 0.2);
const modelB: OnnxGraph = {
  inputs: [{ name: 'x', shape: ['n', 8, 8, 3] }],
  outputs: [{ name: 'y', shape: ['n', 8] }],
  nodes: [
    { op: 'ReduceMean', inputs: ['x'], outputs: ['m'], attributes: { axes: [1, 2], keepdims: 0 } },
    { op: 'Gemm', inputs: ['m', 'w3', 'b3'], outputs: ['y'], attributes: { transB: 1 } },
  ],
  initializers: [
    { name: 'w3', dims: [8, 3], values: w3 },
    { name: 'b3', dims: [8], values: b3 },
  ],
};
const cardB = {
  name: 'toy-b',
  model: 'b.onnx',
  input: { shape: ['n', 8, 8, 3], layout: 'NHWC', channels: 'BGR' },
  resize: { filter: 'nearest', fit: 'fill' },
  normalize: { scale: 2 / 255, mean: 1, std: 1 },
  output: { size: 8 },
  projection: null,
  bits: { rule: '>', threshold: 0.1, order: 'lsb-first', hexDigits: 2 },
};

// ---------- Model C: a stand-in for a converted NeuralHash (fixed batch 1, 360x360, 128 floats out). ----------

const w4 = randomFloats(128 * 3);
const b4 = randomFloats(128, 0.1);
const seed = randomFloats(96 * 128);
const modelC: OnnxGraph = {
  inputs: [{ name: 'image', shape: [1, 3, 360, 360] }],
  outputs: [{ name: 'leaf/logits', shape: [1, 128] }],
  nodes: [
    { op: 'GlobalAveragePool', inputs: ['image'], outputs: ['pooled'] },
    { op: 'Flatten', inputs: ['pooled'], outputs: ['flat'] },
    { op: 'Gemm', inputs: ['flat', 'w4', 'b4'], outputs: ['leaf/logits'], attributes: { transB: 1 } },
  ],
  initializers: [
    { name: 'w4', dims: [128, 3], values: w4 },
    { name: 'b4', dims: [128], values: b4 },
  ],
};

function float32File(values: Float32Array, header: number): Uint8Array {
  const bytes = new Uint8Array(header + values.length * 4).fill(0x5a, 0, header);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(header + 4 * i, v, true));
  return bytes;
}

const nhDir = join(dir, 'neuralhash');
beforeAll(async () => {
  writeFileSync(join(dir, 'a.onnx'), encodeOnnxModel(modelA));
  writeFileSync(join(dir, 'a.proj'), float32File(projA, 16));
  writeFileSync(join(dir, 'a.json'), JSON.stringify(cardA));
  writeFileSync(join(dir, 'b.onnx'), encodeOnnxModel(modelB));
  writeFileSync(join(dir, 'b.json'), JSON.stringify(cardB));
  mkdirSync(nhDir);
  copyFileSync(join(repoRoot, 'models', 'neuralhash.template.json'), join(nhDir, 'card.json'));
});

describe('preprocessing', () => {
  it("normalises into NCHW planes and NHWC pixels with the card's mean/std and channel order", async () => {
    const img = randomImage(8, 8, 3);
    const nchw = await preprocessBatch([img], parseModelCard(cardA, join(dir, 'a.json')));
    const expectA = referencePlanes(img, 1 / 255, cardA.normalize.mean, cardA.normalize.std);
    for (let c = 0; c < 3; c++) for (let i = 0; i < 64; i++) expect(nchw[c * 64 + i]).toBeCloseTo(expectA[c]![i]!, 5);
    const nhwc = await preprocessBatch([img], parseModelCard(cardB, join(dir, 'b.json')));
    const expectB = referencePlanes(img, 2 / 255, [1, 1, 1], [1, 1, 1], true);
    for (let c = 0; c < 3; c++) for (let i = 0; i < 64; i++) expect(nhwc[i * 3 + c]).toBeCloseTo(expectB[c]![i]!, 6);
  });

  it('drops alpha and expands grey; grey models take PIL luma (19595 R + 38470 G + 7471 B + 2^15) >> 16', async () => {
    const rgba = randomImage(8, 8, 4);
    const rgb: Image = { width: 8, height: 8, channels: 3, data: rgba.data.filter((_, i) => i % 4 !== 3) };
    const card = parseModelCard(cardA, join(dir, 'a.json'));
    expect(await resizeForModel(rgba, card)).toEqual(await resizeForModel(rgb, card));
    const grey = randomImage(8, 8, 1);
    const expanded = await resizeForModel(grey, card);
    expect(Array.from(expanded.filter((_, i) => i % 3 === 1))).toEqual(Array.from(grey.data));
    const greyCard = parseModelCard(
      {
        ...cardA,
        input: { ...cardA.input, shape: ['n', 1, 8, 8], channels: 'grey' },
        normalize: { scale: 1, mean: 0, std: 1 },
      },
      join(dir, 'g.json'),
    );
    const luma = await resizeForModel(rgb, greyCard);
    const d = rgb.data;
    expect(Array.from(luma)).toEqual(
      Array.from(
        { length: 64 },
        (_, i) => (d[3 * i]! * 19595 + d[3 * i + 1]! * 38470 + d[3 * i + 2]! * 7471 + 0x8000) >>> 16,
      ),
    );
  });

  it('keeps aspect as asked: contain pads with the background, cover crops the centre', async () => {
    const wide = randomImage(8, 4, 3);
    const contain = parseModelCard(
      { ...cardA, resize: { filter: 'lanczos3', fit: 'contain', background: [10, 20, 30] } },
      join(dir, 'c.json'),
    );
    const padded = await resizeForModel(wide, contain);
    expect(Array.from(padded.subarray(0, 6))).toEqual([10, 20, 30, 10, 20, 30]);
    expect(Array.from(padded.subarray(2 * 24, 6 * 24))).toEqual(Array.from(wide.data));
    expect(Array.from(padded.subarray(6 * 24))).toEqual(Array.from({ length: 48 }, (_, i) => [10, 20, 30][i % 3]));
    const wider = randomImage(16, 8, 3);
    const cover = parseModelCard({ ...cardA, resize: { filter: 'lanczos3', fit: 'cover' } }, join(dir, 'c.json'));
    const cropped = await resizeForModel(wider, cover);
    for (let y = 0; y < 8; y++)
      expect(Array.from(cropped.subarray(y * 24, y * 24 + 24))).toEqual(
        Array.from(wider.data.subarray((y * 16 + 4) * 3, (y * 16 + 12) * 3)),
      );
  });

  it('resizes as Pillow 9.4 Image.resize (bicubic) with the pillow engine', async () => {
    // Reference: python3-pil 9.4.0, Image.fromarray(a, 'RGB').resize([8, 8]) with a[y, x, c] = (31x + 17y + 89c + 3xy) % 256, 13x11.
    const expected =
      '0e67c840999e74dc21ae8d59ea2b8d7467cf3aa39175aa1e267ee55ec0499fa843ad2c856d64c943a6bf82c43ac036693f9da57ebe32cf2370a155ba2a9dd482da46cb5772784fc158b96aa39548b3379d3a88d373d453ca70689552aa3ead9e70d41ac94a6f7a5cc34bbb59b3824ead42b143a85592872d8f873bc033913a94c98aa346aa2b90398fd9889051c52d8eab99548b4abc50b680c37a5a5b60c263ce67b8487750728ec43d714e71b17cd24caa4b974fa068a6a8475763c459be76';
    const data = new Uint8Array(13 * 11 * 3);
    for (let y = 0; y < 11; y++)
      for (let x = 0; x < 13; x++)
        for (let c = 0; c < 3; c++) data[(y * 13 + x) * 3 + c] = (x * 31 + y * 17 + c * 89 + x * y * 3) % 256;
    const card = parseModelCard(
      { ...cardA, resize: { engine: 'pillow', filter: 'bicubic', fit: 'fill' } },
      join(dir, 'p.json'),
    );
    expect(Buffer.from(await resizeForModel({ width: 13, height: 11, channels: 3, data }, card)).toString('hex')).toBe(
      expected,
    );
  });
});

describe('neural hasher end to end through onnxruntime', () => {
  it('gives the embedding and bits of the conv net computed independently (NCHW, projection, MSB first)', async () => {
    const hasher = neuralHasher(join(dir, 'a.json'));
    expect([hasher.id, hasher.nbits]).toEqual([`neural:${join(dir, 'a.json')}`, 12]);
    const images = [randomImage(8, 8, 3), randomImage(8, 8, 3), randomImage(8, 8, 3)];
    const embeddings = await hasher.embedBatch(images);
    for (const [n, img] of images.entries()) {
      const expected = referenceModelA(
        referencePlanes(img, 1 / 255, cardA.normalize.mean, cardA.normalize.std),
        8,
        w1,
        b1,
        w2,
        b2,
      );
      for (let m = 0; m < 16; m++) expect(embeddings[n * 16 + m]).toBeCloseTo(expected[m]!, 4);
      const projected = matVec(projA, 12, 16, expected);
      expect(Math.min(...projected.map(Math.abs))).toBeGreaterThan(1e-3);
      const hash = await hasher.hash(img);
      expect(toHex(hash)).toBe(referenceBits(projected, (v) => v >= 0));
    }
    expect((await hasher.hashBatch(images)).map(toHex)).toEqual(
      await Promise.all(images.map(async (i) => toHex(await hasher.hash(i)))),
    );
  });

  it('follows NHWC, BGR, no projection, LSB-first order and a strict threshold', async () => {
    const hasher = neuralHasher(join(dir, 'b.json'), 'toy-b');
    for (let k = 0; k < 4; k++) {
      const img = randomImage(8, 8, 3);
      const means = referencePlanes(img, 2 / 255, [1, 1, 1], [1, 1, 1], true).map(
        (p) => p.reduce((s, v) => s + v, 0) / 64,
      );
      const values = Array.from({ length: 8 }, (_, m) => b3[m]! + means.reduce((s, x, c) => s + w3[m * 3 + c]! * x, 0));
      expect(Math.min(...values.map((v) => Math.abs(v - 0.1)))).toBeGreaterThan(1e-4);
      const hash = await hasher.hash(img);
      expect(hash.algo).toBe('toy-b');
      expect(toHex(hash)).toBe(referenceBits(values, (v) => v > 0.1, true));
    }
  });

  it('hashes with the NeuralHash template as shipped: fixed batch 1, 128-byte seed header, 24 hex digits', async () => {
    const cardPath = join(nhDir, 'card.json');
    expect(() => neuralHasher(cardPath)).toThrow(/neuralhash_128x96_seed1\.dat: no such file/);
    writeFileSync(join(nhDir, 'neuralhash_128x96_seed1.dat'), float32File(seed, 128));
    writeFileSync(join(nhDir, 'model.onnx'), encodeOnnxModel(modelC));
    const hasher = neuralHasher(cardPath);
    const images = [randomImage(360, 360, 3), randomImage(360, 360, 3)];
    const hashes = await hasher.hashBatch(images);
    for (const [n, img] of images.entries()) {
      // As nnhash.py: arr = p / 255 * 2 - 1, NCHW; logits = model(arr); bits = seed · logits >= 0.
      const means = [0, 1, 2].map((c) => {
        let s = 0;
        for (let i = 0; i < 360 * 360; i++) s += (img.data[3 * i + c]! / 255) * 2 - 1;
        return s / (360 * 360);
      });
      const logits = Array.from(
        { length: 128 },
        (_, m) => b4[m]! + means.reduce((s, x, c) => s + w4[m * 3 + c]! * x, 0),
      );
      const projected = matVec(seed, 96, 128, logits);
      expect(Math.min(...projected.map(Math.abs))).toBeGreaterThan(1e-4);
      expect(toHex(hashes[n]!)).toHaveLength(24);
      expect(toHex(hashes[n]!)).toBe(referenceBits(projected, (v) => v >= 0));
    }
    const rgba: Image = { width: 360, height: 360, channels: 4, data: new Uint8Array(360 * 360 * 4) };
    for (let i = 0; i < 360 * 360; i++) rgba.data.set([...images[0]!.data.subarray(3 * i, 3 * i + 3), i % 256], 4 * i);
    expect(toHex(await hasher.hash(rgba))).toBe(toHex(hashes[0]!));
  });

  it('rejects a card whose names or shape do not fit the model, on first use', async () => {
    const wrongName = { ...cardA, output: { name: 'logits', size: 16 } };
    writeFileSync(join(dir, 'wrong-name.json'), JSON.stringify(wrongName));
    await expect(neuralHasher(join(dir, 'wrong-name.json')).hash(randomImage(8, 8, 3))).rejects.toThrow(
      /output\.name "logits" is not in model .*a\.onnx \(it has: embedding\)/,
    );
    const wrongShape = { ...cardA, input: { ...cardA.input, shape: ['n', 3, 16, 16] } };
    writeFileSync(join(dir, 'wrong-shape.json'), JSON.stringify(wrongShape));
    await expect(neuralHasher(join(dir, 'wrong-shape.json')).hash(randomImage(8, 8, 3))).rejects.toThrow(
      /input\.shape \[N, 3, 16, 16\] does not fit the model's input pixels \[n, 3, 8, 8\]/,
    );
  });
});

describe('the shipped scanlab-tiny model', () => {
  it('gives 96 bits whose embedding is the same for every quarter turn and mirror image (averaged in its graph)', async () => {
    const card = join(repoRoot, 'models', 'scanlab-tiny.json');
    expect(getHasher(`neural:${card}`).nbits).toBe(96);
    const size = 64;
    const base = randomImage(size, size, 3);
    const turned = (map: (x: number, y: number) => [number, number]): Image => {
      const data = new Uint8Array(base.data.length);
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const [sx, sy] = map(x, y);
          data.set(base.data.subarray((sy * size + sx) * 3, (sy * size + sx) * 3 + 3), (y * size + x) * 3);
        }
      return { width: size, height: size, channels: 3, data };
    };
    const variants = [
      turned((x, y) => [y, size - 1 - x]),
      turned((x, y) => [size - 1 - x, y]),
      turned((x, y) => [size - 1 - x, size - 1 - y]),
    ];
    const tiny = neuralHasher(card);
    const embeddings = await tiny.embedBatch([base, ...variants]);
    for (let v = 1; v <= 3; v++)
      for (let k = 0; k < 128; k++) expect(embeddings[v * 128 + k]).toBeCloseTo(embeddings[k]!, 4);
    const other = await tiny.embedBatch([randomImage(size, size, 3)]);
    expect(Math.max(...Array.from(other, (e, k) => Math.abs(e - embeddings[k]!)))).toBeGreaterThan(1e-3);
    const hashes = await tiny.hashBatch([base, ...variants]);
    expect(new Set(hashes.map(toHex)).size).toBe(1);
  });
});

describe('scanlab with neural:CARD', () => {
  it('hashes files in worker threads exactly as the library does', async () => {
    const files = [join(dir, 'one.png'), join(dir, 'two.png')];
    const images = [randomImage(20, 14, 3), randomImage(9, 9, 3)];
    await Promise.all(
      images.map((img, i) =>
        sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
          .png()
          .toFile(files[i]!),
      ),
    );
    const spec = `neural:${join(dir, 'a.json')}`;
    const expected = await Promise.all(images.map(async (img) => toHex(await getHasher(spec).hash(img))));
    const r = runCli(['hash', '--algo', spec, '--jobs', '2', ...files]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n').slice(1)).toEqual(files.map((f, i) => `${f},${spec},${expected[i]},,`));
  });

  it('models check reports each missing file and exits 1, then passes once they exist', () => {
    const lonely = join(dir, 'lonely');
    mkdirSync(lonely);
    copyFileSync(join(repoRoot, 'models', 'neuralhash.template.json'), join(lonely, 'card.json'));
    const missing = runCli(['models', 'check', join(lonely, 'card.json')]);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toMatch(/missing.*model\.onnx/);
    expect(missing.stdout).toMatch(/missing.*neuralhash_128x96_seed1\.dat/);
    writeFileSync(join(lonely, 'bad.json'), JSON.stringify({ ...cardA, bits: { ...cardA.bits, hexDigits: 5 } }));
    const bad = runCli(['models', 'check', join(lonely, 'bad.json')]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^card +invalid +.*bad\.json: bits\.hexDigits is 5 but 12 bits print as 3 hex digits$/m);
    writeFileSync(join(lonely, 'neuralhash_128x96_seed1.dat'), float32File(seed, 128));
    writeFileSync(join(lonely, 'model.onnx'), encodeOnnxModel(modelC));
    const ok = runCli(['models', 'check', join(lonely, 'card.json')]);
    expect(ok.stdout).toMatch(/^model +ok +.*model\.onnx: loads; input "image", output "leaf\/logits"$/m);
    expect(ok.stdout).toMatch(/^projection +ok +.*neuralhash_128x96_seed1\.dat: 96x128 float32, 49280 bytes$/m);
    expect(ok.status).toBe(0);
  });
});
