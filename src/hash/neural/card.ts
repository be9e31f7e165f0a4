// Model cards for learned hashes: the JSON file that says how an image becomes an ONNX input and an embedding becomes bits.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PillowFilter } from '../../image/pillow-resize.js';

/**
 * A card that cannot be used: unreadable, not JSON, or a field missing or out of range. The message is one line
 * naming the card and the field.
 */
export class ModelCardError extends Error {
  override readonly name = 'ModelCardError';
}

export type TensorLayout = 'NCHW' | 'NHWC';
export type ChannelOrder = 'RGB' | 'BGR' | 'grey';
/** Which resampler: sharp (libvips, fast) or scanlab's bit-exact reproduction of Pillow's `Image.resize`. */
export type ResizeEngine = 'sharp' | 'pillow';
export type SharpFilter = 'nearest' | 'linear' | 'cubic' | 'mitchell' | 'lanczos2' | 'lanczos3';
export type ResizeFilter = SharpFilter | PillowFilter;
/** `fill` stretches to the size (aspect not kept); `contain` keeps aspect and pads; `cover` keeps aspect and crops the centre. */
export type ResizeFit = 'fill' | 'contain' | 'cover';
export type ProjectionDtype = 'float32' | 'float64';

export interface CardInput {
  /** The model input's name; undefined means the model's only input. */
  readonly name: string | undefined;
  /** Fixed batch size (1) or 'dynamic' when the model takes any batch size. */
  readonly batch: 1 | 'dynamic';
  readonly layout: TensorLayout;
  readonly channelOrder: ChannelOrder;
  /** Channels in the tensor: 3 for RGB/BGR, 1 for grey. */
  readonly channels: 1 | 3;
  readonly height: number;
  readonly width: number;
}

export interface CardResize {
  readonly engine: ResizeEngine;
  readonly width: number;
  readonly height: number;
  readonly filter: ResizeFilter;
  readonly fit: ResizeFit;
  /** Padding colour for `contain`, as [r, g, b]. */
  readonly background: readonly [number, number, number];
}

/** Each tensor value is `(pixel · scale − mean[c]) / std[c]`, pixel in 0–255, c the tensor channel. */
export interface CardNormalize {
  readonly scale: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export interface CardOutput {
  /** The model output's name; undefined means the model's first output. */
  readonly name: string | undefined;
  /** Floats per image in the embedding. */
  readonly size: number;
}

/** A `rows × cols` matrix (cols = embedding size) stored in a file; hash values are `matrix · embedding`. */
export interface CardProjection {
  /** Absolute path of the matrix file. */
  readonly path: string;
  /** As written in the card (relative to the card), for messages. */
  readonly file: string;
  /** `raw`: bare numbers after `offset` bytes; `npy`: a NumPy .npy file, whose header must agree with the card. */
  readonly format: 'raw' | 'npy';
  readonly offset: number;
  readonly dtype: ProjectionDtype;
  readonly rows: number;
  readonly cols: number;
  readonly endianness: 'little' | 'big';
}

export interface CardBits {
  /** Bit i is 1 when value i `>=` (or `>`) the threshold. */
  readonly rule: '>=' | '>';
  readonly threshold: number;
  /** `msb-first`: value 0 is the hash's most significant bit; `lsb-first`: value 0 is its least significant bit. */
  readonly order: 'msb-first' | 'lsb-first';
  readonly nbits: number;
  readonly hexDigits: number;
}

export interface ModelCard {
  /** Absolute path of the card file. */
  readonly cardPath: string;
  readonly name: string;
  readonly description: string;
  /** Absolute path of the ONNX file. */
  readonly modelPath: string;
  /** The ONNX file as written in the card, for messages. */
  readonly modelFile: string;
  readonly input: CardInput;
  readonly resize: CardResize;
  readonly normalize: CardNormalize;
  readonly output: CardOutput;
  readonly projection: CardProjection | undefined;
  readonly bits: CardBits;
}

type Json = Record<string, unknown>;

const FILTERS: Record<ResizeEngine, readonly ResizeFilter[]> = {
  sharp: ['nearest', 'linear', 'cubic', 'mitchell', 'lanczos2', 'lanczos3'],
  pillow: ['nearest', 'box', 'bilinear', 'hamming', 'bicubic', 'lanczos'],
};
const FITS: readonly ResizeFit[] = ['fill', 'contain', 'cover'];

/** Field readers that throw a ModelCardError naming the card and the field's dotted path. */
class FieldReader {
  constructor(private readonly where: string) {}

  fail(field: string, message: string): never {
    throw new ModelCardError(`${this.where}: ${field} ${message}`);
  }

  object(parent: Json, key: string, field: string): Json {
    const v = parent[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      this.fail(field, v === undefined ? 'is missing' : 'must be an object');
    return v as Json;
  }

  string(parent: Json, key: string, field: string): string {
    const v = parent[key];
    if (typeof v !== 'string' || v === '')
      this.fail(field, v === undefined ? 'is missing' : `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  }

  optionalString(parent: Json, key: string, field: string): string | undefined {
    return parent[key] === undefined || parent[key] === null ? undefined : this.string(parent, key, field);
  }

  choice<T extends string>(parent: Json, key: string, field: string, choices: readonly T[], fallback?: T): T {
    const v = parent[key] ?? fallback;
    if (v === undefined) this.fail(field, `is missing (one of ${choices.join(', ')})`);
    if (!choices.includes(v as T)) this.fail(field, `must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  }

  number(parent: Json, key: string, field: string, fallback?: number): number {
    const v = parent[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(field, v === undefined ? 'is missing' : `must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  }

  positiveInt(parent: Json, key: string, field: string, fallback?: number): number {
    const v = this.number(parent, key, field, fallback);
    if (!Number.isInteger(v) || v <= 0) this.fail(field, `must be a positive integer, got ${v}`);
    return v;
  }

  /** A number, or an array of `length` numbers, as an array of `length`. */
  perChannel(parent: Json, key: string, field: string, length: number, fallback: number): number[] {
    const v = parent[key] ?? fallback;
    const list = typeof v === 'number' ? new Array<number>(length).fill(v) : v;
    if (
      !Array.isArray(list) ||
      list.length !== length ||
      !list.every((x) => typeof x === 'number' && Number.isFinite(x))
    ) {
      this.fail(field, `must be a number or an array of ${length} numbers, got ${JSON.stringify(v)}`);
    }
    return list as number[];
  }
}

function readInput(r: FieldReader, card: Json): CardInput {
  const input = r.object(card, 'input', 'input');
  const layout = r.choice(input, 'layout', 'input.layout', ['NCHW', 'NHWC'] as const);
  const channelOrder = r.choice(input, 'channels', 'input.channels', ['RGB', 'BGR', 'grey'] as const);
  const channels = channelOrder === 'grey' ? 1 : 3;
  const shape = input['shape'];
  if (!Array.isArray(shape) || shape.length !== 4)
    r.fail(
      'input.shape',
      `must be 4 dimensions [batch, ${layout === 'NCHW' ? 'C, H, W' : 'H, W, C'}], got ${JSON.stringify(shape)}`,
    );
  const [batchDim] = shape as unknown[];
  if (!(batchDim === 1 || typeof batchDim === 'string'))
    r.fail(
      'input.shape',
      `batch dimension must be 1 or a name such as "batch" (any size), got ${JSON.stringify(batchDim)}`,
    );
  const dims = shape.slice(1) as unknown[];
  if (!dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0))
    r.fail('input.shape', `channel, height and width must be positive integers, got ${JSON.stringify(shape)}`);
  const [c, h, w] = (layout === 'NCHW' ? dims : [dims[2], dims[0], dims[1]]) as [number, number, number];
  if (c !== channels) r.fail('input.shape', `has ${c} channels but input.channels "${channelOrder}" needs ${channels}`);
  return {
    name: r.optionalString(input, 'name', 'input.name'),
    batch: batchDim === 1 ? 1 : 'dynamic',
    layout,
    channelOrder,
    channels,
    height: h,
    width: w,
  };
}

function readResize(r: FieldReader, card: Json, input: CardInput): CardResize {
  const resize = r.object(card, 'resize', 'resize');
  const width = r.positiveInt(resize, 'width', 'resize.width', input.width);
  const height = r.positiveInt(resize, 'height', 'resize.height', input.height);
  if (width !== input.width || height !== input.height)
    r.fail('resize', `size ${width}x${height} differs from input.shape's ${input.width}x${input.height}`);
  const bg = resize['background'] ?? [0, 0, 0];
  if (!Array.isArray(bg) || bg.length !== 3 || !bg.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) {
    r.fail('resize.background', `must be [r, g, b] with integers 0-255, got ${JSON.stringify(bg)}`);
  }
  const engine = r.choice(resize, 'engine', 'resize.engine', ['sharp', 'pillow'] as const, 'sharp');
  const fit = r.choice(resize, 'fit', 'resize.fit', FITS);
  if (engine === 'pillow' && fit !== 'fill')
    r.fail('resize.fit', `must be "fill" with the pillow engine (as Image.resize), got "${fit}"`);
  return {
    engine,
    width,
    height,
    filter: r.choice(resize, 'filter', 'resize.filter', FILTERS[engine]),
    fit,
    background: bg as [number, number, number],
  };
}

function readNormalize(r: FieldReader, card: Json, channels: number): CardNormalize {
  const n = r.object(card, 'normalize', 'normalize');
  const std = r.perChannel(n, 'std', 'normalize.std', channels, 1);
  if (std.some((s) => s === 0)) r.fail('normalize.std', 'must not contain 0');
  return {
    scale: r.number(n, 'scale', 'normalize.scale'),
    mean: r.perChannel(n, 'mean', 'normalize.mean', channels, 0),
    std,
  };
}

function readProjection(
  r: FieldReader,
  card: Json,
  baseDir: string,
  embeddingSize: number,
): CardProjection | undefined {
  const raw = card['projection'];
  if (raw === null) return undefined;
  if (raw === undefined) r.fail('projection', 'is missing (an object, or null for bits straight from the embedding)');
  const p = r.object(card, 'projection', 'projection');
  const file = r.string(p, 'file', 'projection.file');
  const format = r.choice(p, 'format', 'projection.format', ['raw', 'npy'] as const, 'raw');
  const offset = r.number(p, 'offset', 'projection.offset', 0);
  if (!Number.isInteger(offset) || offset < 0)
    r.fail('projection.offset', `must be a non-negative integer, got ${offset}`);
  const shape = p['shape'];
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    r.fail('projection.shape', `must be [rows, cols] with positive integers, got ${JSON.stringify(shape)}`);
  }
  const [rows, cols] = shape as [number, number];
  if (cols !== embeddingSize) r.fail('projection.shape', `has ${cols} columns but output.size is ${embeddingSize}`);
  return {
    path: resolve(baseDir, file),
    file,
    format,
    offset,
    dtype: r.choice(p, 'dtype', 'projection.dtype', ['float32', 'float64'] as const),
    rows,
    cols,
    endianness: r.choice(p, 'endianness', 'projection.endianness', ['little', 'big'] as const, 'little'),
  };
}

function readBits(r: FieldReader, card: Json, nbits: number): CardBits {
  const b = r.object(card, 'bits', 'bits');
  const hexDigits = r.positiveInt(b, 'hexDigits', 'bits.hexDigits');
  if (hexDigits !== Math.ceil(nbits / 4))
    r.fail('bits.hexDigits', `is ${hexDigits} but ${nbits} bits print as ${Math.ceil(nbits / 4)} hex digits`);
  return {
    rule: r.choice(b, 'rule', 'bits.rule', ['>=', '>'] as const, '>='),
    threshold: r.number(b, 'threshold', 'bits.threshold', 0),
    order: r.choice(b, 'order', 'bits.order', ['msb-first', 'lsb-first'] as const),
    nbits,
    hexDigits,
  };
}

/** Validates a parsed card; `cardPath` is used for messages and to resolve the files it names. */
export function parseModelCard(json: unknown, cardPath: string): ModelCard {
  const r: FieldReader = new FieldReader(cardPath);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) r.fail('card', 'must be a JSON object');
  const card = json as Json;
  const baseDir = dirname(resolve(cardPath));
  const input = readInput(r, card);
  const output = r.object(card, 'output', 'output');
  const size = r.positiveInt(output, 'size', 'output.size');
  const projection = readProjection(r, card, baseDir, size);
  const modelFile = r.string(card, 'model', 'model');
  return {
    cardPath: resolve(cardPath),
    name: r.string(card, 'name', 'name'),
    description: typeof card['description'] === 'string' ? card['description'] : '',
    modelPath: resolve(baseDir, modelFile),
    modelFile,
    input,
    resize: readResize(r, card, input),
    normalize: readNormalize(r, card, input.channels),
    output: { name: r.optionalString(output, 'name', 'output.name'), size },
    projection,
    bits: readBits(r, card, projection ? projection.rows : size),
  };
}

/** Reads and validates a card file. Only the card is read; the files it names are checked by their loaders. */
export function loadModelCard(cardPath: string): ModelCard {
  let text: string;
  try {
    text = readFileSync(cardPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelCardError(
      `${cardPath}: cannot read model card (${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelCardError(`${cardPath}: model card is not valid JSON (${(e as Error).message})`);
  }
  return parseModelCard(json, cardPath);
}
