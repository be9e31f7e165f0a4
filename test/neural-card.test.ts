import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getHasher } from '../src/hash/registry.js';
import { HashError } from '../src/hash/types.js';
import { loadModelCard, ModelCardError, parseModelCard } from '../src/hash/neural/card.js';
import { loadProjection } from '../src/hash/neural/projection.js';
import { repoRoot, scratchDir } from './helpers/images.js';

const scratch = scratchDir('neural-card');
afterAll(scratch.cleanup);

/** A valid card (as JSON) that each test breaks in one place. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test mutates a field of its choosing
type CardJson = Record<string, any>;

function baseCard(): CardJson {
  return {
    name: 'toy',
    model: 'toy.onnx',
    input: { name: 'x', shape: ['batch', 3, 8, 8], layout: 'NCHW', channels: 'RGB' },
    resize: { filter: 'cubic', fit: 'fill' },
    normalize: { scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: 0.25 },
    output: { name: 'y', size: 16 },
    projection: { file: 'p.bin', format: 'raw', offset: 16, dtype: 'float32', shape: [12, 16], endianness: 'little' },
    bits: { rule: '>=', threshold: 0, order: 'msb-first', hexDigits: 3 },
  };
}

const cardPath = join(scratch.dir, 'toy.json');
const parse = (json: unknown) => parseModelCard(json, cardPath);

function expectCardError(mutate: (c: CardJson) => void, message: RegExp): void {
  const card = baseCard();
  mutate(card);
  expect(() => parse(card)).toThrow(ModelCardError);
  expect(() => parse(card)).toThrow(message);
}

describe('model cards', () => {
  it('reads a valid card: paths relative to the card, per-channel normalisation, bit count from the projection', () => {
    const card = parse(baseCard());
    expect(card.modelPath).toBe(join(scratch.dir, 'toy.onnx'));
    expect(card.projection?.path).toBe(join(scratch.dir, 'p.bin'));
    expect(card.input).toEqual({
      name: 'x',
      batch: 'dynamic',
      layout: 'NCHW',
      channelOrder: 'RGB',
      channels: 3,
      height: 8,
      width: 8,
    });
    expect(card.resize).toMatchObject({
      engine: 'sharp',
      width: 8,
      height: 8,
      filter: 'cubic',
      fit: 'fill',
      background: [0, 0, 0],
    });
    expect(card.normalize.std).toEqual([0.25, 0.25, 0.25]);
    expect(card.bits).toEqual({ rule: '>=', threshold: 0, order: 'msb-first', nbits: 12, hexDigits: 3 });
  });

  it('takes the bit count from the embedding when there is no projection', () => {
    const json = baseCard();
    json.projection = null;
    json.bits.hexDigits = 4;
    expect(parse(json).bits.nbits).toBe(16);
  });

  it("ships a NeuralHash template with the public conversion's conventions", () => {
    const card = loadModelCard(join(repoRoot, 'models', 'neuralhash.template.json'));
    expect(card.input).toMatchObject({
      name: undefined,
      batch: 1,
      layout: 'NCHW',
      channelOrder: 'RGB',
      height: 360,
      width: 360,
    });
    expect(card.resize).toMatchObject({ engine: 'pillow', filter: 'bicubic', fit: 'fill' });
    // Pixels 0 and 255 map to -1 and 1: (p / 255 - 0.5) / 0.5.
    const { scale, mean, std } = card.normalize;
    expect((0 * scale - mean[0]!) / std[0]!).toBe(-1);
    expect((255 * scale - mean[2]!) / std[2]!).toBeCloseTo(1, 12);
    expect(card.output).toEqual({ name: undefined, size: 128 });
    expect(card.projection).toMatchObject({
      file: 'neuralhash_128x96_seed1.dat',
      format: 'raw',
      offset: 128,
      dtype: 'float32',
      rows: 96,
      cols: 128,
      endianness: 'little',
    });
    expect(card.bits).toEqual({ rule: '>=', threshold: 0, order: 'msb-first', nbits: 96, hexDigits: 24 });
  });

  it('names the card and the field in one line for each kind of mistake', () => {
    expectCardError((c) => delete c.input.layout, /toy\.json: input\.layout is missing \(one of NCHW, NHWC\)$/);
    expectCardError((c) => (c.input.layout = 'NCWH'), /input\.layout must be one of NCHW, NHWC, got "NCWH"/);
    expectCardError(
      (c) => (c.input.channels = 'grey'),
      /input\.shape has 3 channels but input\.channels "grey" needs 1/,
    );
    expectCardError((c) => (c.input.shape = [2, 3, 8, 8]), /input\.shape batch dimension must be 1 or a name/);
    expectCardError((c) => (c.input.shape = [1, 3, 8]), /input\.shape must be 4 dimensions/);
    expectCardError((c) => (c.resize.width = 9), /resize size 9x8 differs from input\.shape's 8x8/);
    expectCardError(
      (c) => (c.resize.filter = 'bicubic'),
      /resize\.filter must be one of nearest, linear, cubic, mitchell, lanczos2, lanczos3, got "bicubic"/,
    );
    expectCardError(
      (c) => Object.assign(c.resize, { engine: 'pillow', filter: 'bicubic', fit: 'contain' }),
      /resize\.fit must be "fill" with the pillow engine/,
    );
    expectCardError((c) => (c.normalize.std = [1, 0, 1]), /normalize\.std must not contain 0/);
    expectCardError(
      (c) => (c.normalize.mean = [0.5, 0.5]),
      /normalize\.mean must be a number or an array of 3 numbers/,
    );
    expectCardError((c) => delete c.output, /output is missing/);
    expectCardError((c) => (c.projection.shape = [12, 15]), /projection\.shape has 15 columns but output\.size is 16/);
    expectCardError(
      (c) => (c.projection.dtype = 'float16'),
      /projection\.dtype must be one of float32, float64, got "float16"/,
    );
    expectCardError((c) => delete c.projection, /projection is missing \(an object, or null/);
    expectCardError((c) => (c.bits.hexDigits = 4), /bits\.hexDigits is 4 but 12 bits print as 3 hex digits/);
    expectCardError((c) => (c.bits.order = 'big'), /bits\.order must be one of msb-first, lsb-first/);
    expectCardError((c) => delete c.model, /: model is missing$/);
  });

  it('reports unreadable and malformed card files', () => {
    expect(() => loadModelCard(join(scratch.dir, 'absent.json'))).toThrow(
      /absent\.json: cannot read model card \(no such file\)/,
    );
    const broken = join(scratch.dir, 'broken.json');
    writeFileSync(broken, '{"name": ');
    expect(() => loadModelCard(broken)).toThrow(/broken\.json: model card is not valid JSON/);
  });
});

describe('projection files', () => {
  const values = Float64Array.from({ length: 12 * 16 }, (_, i) => Math.sin(i) * 3);

  it('reads float32 little-endian numbers after the header offset', () => {
    const bytes = new Uint8Array(16 + values.length * 4).fill(0xee, 0, 16);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(16 + 4 * i, v, true));
    writeFileSync(join(scratch.dir, 'p.bin'), bytes);
    const p = loadProjection(parse(baseCard()).projection!);
    expect([p.rows, p.cols]).toEqual([12, 16]);
    expect(Array.from(p.values)).toEqual(Array.from(values, Math.fround));
  });

  it('reads float64 big-endian numbers', () => {
    const bytes = new Uint8Array(values.length * 8);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat64(8 * i, v, false));
    writeFileSync(join(scratch.dir, 'p64.bin'), bytes);
    const json = baseCard();
    Object.assign(json.projection, { file: 'p64.bin', offset: 0, dtype: 'float64', endianness: 'big' });
    expect(Array.from(loadProjection(parse(json).projection!).values)).toEqual(Array.from(values));
  });

  it('reads .npy files and checks their header against the card', () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (12, 16), }";
    const padded = header.padEnd(118 - 1, ' ') + '\n';
    const bytes = new Uint8Array(10 + padded.length + values.length * 4);
    bytes.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0]);
    new DataView(bytes.buffer).setUint16(8, padded.length, true);
    bytes.set(new TextEncoder().encode(padded), 10);
    const view = new DataView(bytes.buffer, 10 + padded.length);
    values.forEach((v, i) => view.setFloat32(4 * i, v, true));
    writeFileSync(join(scratch.dir, 'p.npy'), bytes);
    const json = baseCard();
    Object.assign(json.projection, { file: 'p.npy', format: 'npy', offset: 0 });
    expect(Array.from(loadProjection(parse(json).projection!).values)).toEqual(Array.from(values, Math.fround));
    json.projection.shape = [16, 16];
    json.output.size = 16;
    json.bits.hexDigits = 4;
    expect(() => loadProjection(parse(json).projection!)).toThrow(
      /\.npy has shape \(12, 16\) but the card says \[16, 16\]/,
    );
  });

  it('rejects a seed file of the wrong size, stating both sizes', () => {
    writeFileSync(join(scratch.dir, 'p.bin'), new Uint8Array(16 + 12 * 16 * 4 - 4));
    const spec = parse(baseCard()).projection!;
    expect(() => loadProjection(spec)).toThrow(ModelCardError);
    expect(() => loadProjection(spec)).toThrow(
      /p\.bin is 780 bytes; the card's 12x16 float32 after 16 header bytes needs 784$/,
    );
  });

  it('reports a missing projection file', () => {
    const json = baseCard();
    json.projection.file = 'nowhere.dat';
    expect(() => loadProjection(parse(json).projection!)).toThrow(/nowhere\.dat: no such file/);
  });
});

describe('neural in the registry', () => {
  it('needs a card, and reports a card whose ONNX file is missing before any work', () => {
    expect(() => getHasher('neural')).toThrow(HashError);
    expect(() => getHasher('neural')).toThrow('algorithm "neural" needs a model card: neural:models/NAME.json');
    const json = baseCard();
    json.projection = null;
    json.bits.hexDigits = 4;
    const path = join(scratch.dir, 'no-model.json');
    writeFileSync(path, JSON.stringify(json));
    expect(() => getHasher(`neural:${path}`)).toThrow(/no-model\.json: model file .*toy\.onnx does not exist/);
  });
});
