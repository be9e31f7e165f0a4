// Reads an ONNX model's graph (nodes, attributes, initializers, inputs, outputs) from its protobuf bytes, for code
// that evaluates the graph itself (the white-box attack's gradients). Field numbers are those of onnx/onnx.proto.

/** A tensor read from the model: float types as float64 values, integer types as exact numbers. */
export interface GraphTensor {
  readonly dims: readonly number[];
  readonly data: Float64Array;
}

export type AttributeValue = number | string | readonly number[] | GraphTensor;

export interface GraphNode {
  readonly op: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, AttributeValue>;
}

export interface OnnxGraph {
  readonly nodes: readonly GraphNode[];
  readonly initializers: ReadonlyMap<string, GraphTensor>;
  /** Graph inputs that are not initializers. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export class OnnxFormatError extends Error {
  override readonly name = 'OnnxFormatError';
}

interface Field {
  readonly no: number;
  readonly wire: number;
  /** Varint or fixed value (wire 0, 1, 5). */
  readonly value: bigint;
  /** Length-delimited payload (wire 2). */
  readonly bytes: Uint8Array;
}

const EMPTY = new Uint8Array(0);

function* fields(buf: Uint8Array): Generator<Field> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= buf.length || shift > 63n) throw new OnnxFormatError('truncated or overlong varint');
      const b = buf[at++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  while (at < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) yield { no, wire, value: varint(), bytes: EMPTY };
    else if (wire === 1) {
      if (at + 8 > buf.length) throw new OnnxFormatError('truncated fixed64');
      yield { no, wire, value: view.getBigUint64(at, true), bytes: buf.subarray(at, at + 8) };
      at += 8;
    } else if (wire === 5) {
      if (at + 4 > buf.length) throw new OnnxFormatError('truncated fixed32');
      yield { no, wire, value: BigInt(view.getUint32(at, true)), bytes: buf.subarray(at, at + 4) };
      at += 4;
    } else if (wire === 2) {
      const n = Number(varint());
      if (at + n > buf.length) throw new OnnxFormatError('truncated length-delimited field');
      yield { no, wire, value: 0n, bytes: buf.subarray(at, at + n) };
      at += n;
    } else throw new OnnxFormatError(`unsupported protobuf wire type ${wire}`);
  }
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Repeated varints, packed (wire 2) or not (wire 0), as signed 64-bit numbers. */
function int64s(f: Field): number[] {
  return f.wire === 0 ? [Number(BigInt.asIntN(64, f.value))] : unpackVarints(f.bytes);
}

function unpackVarints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let v = 0n;
  let shift = 0n;
  for (const b of bytes) {
    v |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if (b < 0x80) {
      out.push(Number(BigInt.asIntN(64, v)));
      v = 0n;
      shift = 0n;
    }
  }
  return out;
}

/** Repeated floats, packed (wire 2) or not (wire 5). */
function float32s(f: Field): number[] {
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  return Array.from({ length: f.bytes.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

/** TensorProto.DataType values this reader decodes. */
const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;
const DOUBLE = 11;

function readTensor(buf: Uint8Array): GraphTensor & { readonly name: string } {
  const dims: number[] = [];
  let type = 0;
  let name = '';
  let raw: Uint8Array | undefined;
  const listed: number[] = [];
  for (const f of fields(buf)) {
    if (f.no === 1) dims.push(...int64s(f));
    else if (f.no === 2) type = Number(f.value);
    else if (f.no === 8) name = text(f.bytes);
    else if (f.no === 9) raw = f.bytes;
    else if (f.no === 4) listed.push(...float32s(f));
    else if (f.no === 5 || f.no === 7) listed.push(...int64s(f));
    else if (f.no === 10) {
      const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
      if (f.wire === 1) listed.push(view.getFloat64(0, true));
      else for (let i = 0; i < f.bytes.length; i += 8) listed.push(view.getFloat64(i, true));
    } else if (f.no === 13 || f.no === 14)
      throw new OnnxFormatError(`tensor ${name || '?'} keeps its data outside the model file`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  let data: Float64Array;
  if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width = type === FLOAT || type === INT32 ? 4 : type === INT64 || type === DOUBLE ? 8 : 0;
    if (width === 0) throw new OnnxFormatError(`tensor ${name || '?'} has data type ${type}, which is not read here`);
    if (raw.length !== count * width)
      throw new OnnxFormatError(`tensor ${name || '?'}: ${raw.length} bytes for ${count} values`);
    data = new Float64Array(count);
    for (let i = 0; i < count; i++)
      data[i] =
        type === FLOAT
          ? view.getFloat32(4 * i, true)
          : type === INT32
            ? view.getInt32(4 * i, true)
            : type === INT64
              ? Number(view.getBigInt64(8 * i, true))
              : view.getFloat64(8 * i, true);
  } else {
    if (listed.length !== count)
      throw new OnnxFormatError(`tensor ${name || '?'}: ${listed.length} values for ${count}`);
    data = Float64Array.from(listed);
  }
  return { dims, data, name };
}

function readAttribute(buf: Uint8Array): [string, AttributeValue] {
  let name = '';
  let value: AttributeValue | undefined;
  const ints: number[] = [];
  const floats: number[] = [];
  let type = 0;
  for (const f of fields(buf)) {
    if (f.no === 1) name = text(f.bytes);
    else if (f.no === 2) value = new DataView(f.bytes.buffer, f.bytes.byteOffset, 4).getFloat32(0, true);
    else if (f.no === 3) value = Number(BigInt.asIntN(64, f.value));
    else if (f.no === 4) value = text(f.bytes);
    else if (f.no === 5) value = readTensor(f.bytes);
    else if (f.no === 7) floats.push(...float32s(f));
    else if (f.no === 8) ints.push(...int64s(f));
    else if (f.no === 20) type = Number(f.value);
  }
  if (type === 6 || (value === undefined && floats.length > 0)) value = floats;
  if (type === 7 || (value === undefined && ints.length > 0)) value = ints;
  return [name, value ?? []];
}

function readNode(buf: Uint8Array): GraphNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes = new Map<string, AttributeValue>();
  let op = '';
  let domain = '';
  for (const f of fields(buf)) {
    if (f.no === 1) inputs.push(text(f.bytes));
    else if (f.no === 2) outputs.push(text(f.bytes));
    else if (f.no === 4) op = text(f.bytes);
    else if (f.no === 5) attributes.set(...readAttribute(f.bytes));
    else if (f.no === 7) domain = text(f.bytes);
  }
  return { op, domain, inputs, outputs, attributes };
}

function valueInfoName(buf: Uint8Array): string {
  for (const f of fields(buf)) if (f.no === 1) return text(f.bytes);
  return '';
}

/** The graph of an ONNX model file's bytes (ModelProto); throws `OnnxFormatError` on malformed protobuf. */
export function readOnnxGraph(model: Uint8Array): OnnxGraph {
  let graph: Uint8Array | undefined;
  for (const f of fields(model)) if (f.no === 7 && f.wire === 2) graph = f.bytes;
  if (!graph) throw new OnnxFormatError('no graph in the model file');
  const nodes: GraphNode[] = [];
  const initializers = new Map<string, GraphTensor>();
  const inputs: string[] = [];
  const outputs: string[] = [];
  for (const f of fields(graph)) {
    if (f.no === 1) nodes.push(readNode(f.bytes));
    else if (f.no === 5) {
      const t = readTensor(f.bytes);
      initializers.set(t.name, { dims: t.dims, data: t.data });
    } else if (f.no === 11) inputs.push(valueInfoName(f.bytes));
    else if (f.no === 12) outputs.push(valueInfoName(f.bytes));
  }
  return { nodes, initializers, inputs: inputs.filter((n) => !initializers.has(n)), outputs };
}
