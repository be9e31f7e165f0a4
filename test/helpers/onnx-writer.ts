// A minimal ONNX writer for tests: encodes ModelProto with just the protobuf fields a small graph needs.
//
// Field numbers are those of onnx/onnx.proto (ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8;
// GraphProto: node 1, name 2, initializer 5, input 11, output 12; NodeProto: input 1, output 2, name 3, op_type 4,
// attribute 5; AttributeProto: name 1, f 2, i 3, ints 8, type 20; TensorProto: dims 1, data_type 2, name 8,
// raw_data 9; ValueInfoProto: name 1, type 2; TypeProto: tensor_type 1; TypeProto.Tensor: elem_type 1, shape 2;
// TensorShapeProto: dim 1; Dimension: dim_value 1, dim_param 2). Enum values: TensorProto.FLOAT = 1,
// AttributeProto.FLOAT = 1, INT = 2, INTS = 7.

type Bytes = Uint8Array;

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const concat = (parts: readonly Bytes[]): Bytes => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const key = (field: number, wire: number): number[] => varint((field << 3) | wire);
const intField = (field: number, value: number): Bytes => new Uint8Array([...key(field, 0), ...varint(value)]);
const bytesField = (field: number, value: Bytes): Bytes =>
  concat([new Uint8Array([...key(field, 2), ...varint(value.length)]), value]);
const stringField = (field: number, value: string): Bytes => bytesField(field, new TextEncoder().encode(value));
const floatField = (field: number, value: number): Bytes => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, value, true);
  return concat([new Uint8Array(key(field, 5)), b]);
};

/** A dimension: a number is fixed, a string is a named (free) dimension such as a batch size. */
export type Dim = number | string;

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, number | readonly number[] | { float: number }>>;
}

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly values: Float32Array;
}

export interface OnnxGraph {
  readonly inputs: readonly { name: string; shape: readonly Dim[] }[];
  readonly outputs: readonly { name: string; shape: readonly Dim[] }[];
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly opset?: number;
}

function attribute(name: string, value: number | readonly number[] | { float: number }): Bytes {
  if (typeof value === 'number') return concat([stringField(1, name), intField(3, value), intField(20, 2)]);
  if ('float' in value) return concat([stringField(1, name), floatField(2, value.float), intField(20, 1)]);
  return concat([stringField(1, name), ...value.map((v) => intField(8, v)), intField(20, 7)]);
}

function node(n: OnnxNode, index: number): Bytes {
  return concat([
    ...n.inputs.map((i) => stringField(1, i)),
    ...n.outputs.map((o) => stringField(2, o)),
    stringField(3, `node${index}`),
    stringField(4, n.op),
    ...Object.entries(n.attributes ?? {}).map(([k, v]) => bytesField(5, attribute(k, v))),
  ]);
}

function tensor(t: OnnxTensor): Bytes {
  const raw = new Uint8Array(t.values.length * 4);
  const view = new DataView(raw.buffer);
  t.values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return concat([...t.dims.map((d) => intField(1, d)), intField(2, 1), stringField(8, t.name), bytesField(9, raw)]);
}

function valueInfo(name: string, shape: readonly Dim[]): Bytes {
  const dims = shape.map((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d)));
  const tensorType = concat([intField(1, 1), bytesField(2, concat(dims))]);
  return concat([stringField(1, name), bytesField(2, bytesField(1, tensorType))]);
}

/** Serialises a float32 graph as an ONNX model (IR version 8, default-domain opset 13 unless given). */
export function encodeOnnxModel(graph: OnnxGraph): Uint8Array {
  const g = concat([
    ...graph.nodes.map((n, i) => bytesField(1, node(n, i))),
    stringField(2, 'test-graph'),
    ...graph.initializers.map((t) => bytesField(5, tensor(t))),
    ...graph.inputs.map((i) => bytesField(11, valueInfo(i.name, i.shape))),
    ...graph.outputs.map((o) => bytesField(12, valueInfo(o.name, o.shape))),
  ]);
  const opset = concat([stringField(1, ''), intField(2, graph.opset ?? 13)]);
  return concat([intField(1, 8), stringField(2, 'scanlab-test'), bytesField(7, g), bytesField(8, opset)]);
}
