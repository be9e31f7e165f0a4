// A learned hash's ONNX graph evaluated in JavaScript with reverse-mode gradients: the differentiable form the
// white-box attack needs (onnxruntime-node runs models but gives no gradients). Float64 throughout; common CNN ops.
import type { AttributeValue, GraphNode, GraphTensor, OnnxGraph } from '../hash/neural/onnx-graph.js';

interface Tensor {
  readonly dims: readonly number[];
  readonly data: Float64Array;
}

/** Gradients of a node's inputs (undefined where none flows) from the gradients of its outputs. */
type Backward = (gradOut: readonly Float64Array[]) => readonly (Float64Array | undefined)[];

interface Applied {
  readonly outs: readonly Tensor[];
  readonly back?: Backward;
}

type Op = (node: GraphNode, ins: readonly (Tensor | undefined)[]) => Applied;

export class UnsupportedGraphError extends Error {
  override readonly name = 'UnsupportedGraphError';
}

const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

function attr<T extends AttributeValue>(node: GraphNode, name: string, fallback: T): T {
  return (node.attributes.get(name) as T | undefined) ?? fallback;
}

function need(t: Tensor | undefined, node: GraphNode, i: number): Tensor {
  if (!t) throw new UnsupportedGraphError(`${node.op} has no input ${i}`);
  return t;
}

const axisOf = (a: number, rank: number): number => (a < 0 ? a + rank : a);

/** Out-of-place elementwise map with its derivative. */
function unary(f: (x: number) => number, df: (x: number, y: number) => number): Op {
  return (node, ins) => {
    const x = need(ins[0], node, 0);
    const y = x.data.map(f);
    return {
      outs: [{ dims: x.dims, data: y }],
      back: ([g]) => [g!.map((gi, i) => gi * df(x.data[i]!, y[i]!))],
    };
  };
}

/** Numpy broadcasting of two tensors, with the sum over broadcast axes for each side's gradient. */
function binary(
  f: (a: number, b: number) => number,
  da: (a: number, b: number) => number,
  db: (a: number, b: number) => number,
): Op {
  return (node, ins) => {
    const a = need(ins[0], node, 0);
    const b = need(ins[1], node, 1);
    const rank = Math.max(a.dims.length, b.dims.length);
    const pad = (d: readonly number[]) => [...new Array<number>(rank - d.length).fill(1), ...d];
    const ad = pad(a.dims);
    const bd = pad(b.dims);
    const dims = ad.map((x, i) => {
      const y = bd[i]!;
      if (x !== y && x !== 1 && y !== 1) throw new UnsupportedGraphError(`${node.op}: shapes ${a.dims} and ${b.dims}`);
      return Math.max(x, y);
    });
    const as = stridesOf(ad).map((s, i) => (ad[i] === 1 ? 0 : s));
    const bs = stridesOf(bd).map((s, i) => (bd[i] === 1 ? 0 : s));
    const os = stridesOf(dims);
    const n = size(dims);
    const ai = new Int32Array(n);
    const bi = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      let r = k;
      let pa = 0;
      let pb = 0;
      for (let d = 0; d < rank; d++) {
        const c = Math.floor(r / os[d]!);
        r -= c * os[d]!;
        pa += c * as[d]!;
        pb += c * bs[d]!;
      }
      ai[k] = pa;
      bi[k] = pb;
    }
    const data = new Float64Array(n);
    for (let k = 0; k < n; k++) data[k] = f(a.data[ai[k]!]!, b.data[bi[k]!]!);
    return {
      outs: [{ dims, data }],
      back: ([g]) => {
        const ga = new Float64Array(a.data.length);
        const gb = new Float64Array(b.data.length);
        for (let k = 0; k < n; k++) {
          const x = a.data[ai[k]!]!;
          const y = b.data[bi[k]!]!;
          ga[ai[k]!] = ga[ai[k]!]! + g![k]! * da(x, y);
          gb[bi[k]!] = gb[bi[k]!]! + g![k]! * db(x, y);
        }
        return [ga, gb];
      },
    };
  };
}

/** A tensor with the same data and new dimensions (Reshape, Flatten, Squeeze, Unsqueeze, Identity). */
function view(x: Tensor, dims: readonly number[]): Applied {
  return { outs: [{ dims, data: x.data }], back: ([g]) => [g!] };
}

/** Gathers along `axis` (Gather, and the index permutations that flips compile to). */
const gather: Op = (node, ins) => {
  const x = need(ins[0], node, 0);
  const idx = need(ins[1], node, 1);
  const axis = axisOf(attr(node, 'axis', 0), x.dims.length);
  const outer = size(x.dims.slice(0, axis));
  const len = x.dims[axis]!;
  const inner = size(x.dims.slice(axis + 1));
  const picks = Array.from(idx.data, (v) => (v < 0 ? v + len : v));
  if (picks.some((p) => p < 0 || p >= len || !Number.isInteger(p)))
    throw new UnsupportedGraphError('Gather index out of range');
  const dims = [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)];
  const data = new Float64Array(size(dims));
  let o = 0;
  for (let a = 0; a < outer; a++)
    for (const p of picks) {
      data.set(x.data.subarray((a * len + p) * inner, (a * len + p + 1) * inner), o);
      o += inner;
    }
  return {
    outs: [{ dims, data }],
    back: ([g]) => {
      const gx = new Float64Array(x.data.length);
      let k = 0;
      for (let a = 0; a < outer; a++)
        for (const p of picks) {
          const base = (a * len + p) * inner;
          for (let i = 0; i < inner; i++) gx[base + i] = gx[base + i]! + g![k++]!;
        }
      return [gx, undefined];
    },
  };
};

const transpose: Op = (node, ins) => {
  const x = need(ins[0], node, 0);
  const rank = x.dims.length;
  const perm = attr<readonly number[]>(node, 'perm', [...x.dims.keys()].reverse());
  const dims = perm.map((p) => x.dims[p]!);
  const xs = stridesOf(x.dims);
  const os = stridesOf(dims);
  const n = x.data.length;
  const from = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let r = k;
    let p = 0;
    for (let d = 0; d < rank; d++) {
      const c = Math.floor(r / os[d]!);
      r -= c * os[d]!;
      p += c * xs[perm[d]!]!;
    }
    from[k] = p;
  }
  const data = new Float64Array(n);
  for (let k = 0; k < n; k++) data[k] = x.data[from[k]!]!;
  return {
    outs: [{ dims, data }],
    back: ([g]) => {
      const gx = new Float64Array(n);
      for (let k = 0; k < n; k++) gx[from[k]!] = g![k]!;
      return [gx];
    },
  };
};

const concat: Op = (node, ins) => {
  const parts = ins.map((t, i) => need(t, node, i));
  const axis = axisOf(attr(node, 'axis', 0), parts[0]!.dims.length);
  const outer = size(parts[0]!.dims.slice(0, axis));
  const chunks = parts.map((p) => size(p.dims.slice(axis)));
  const total = chunks.reduce((a, b) => a + b, 0);
  const dims = parts[0]!.dims.map((d, i) => (i === axis ? parts.reduce((s, p) => s + p.dims[axis]!, 0) : d));
  const data = new Float64Array(outer * total);
  for (let a = 0; a < outer; a++) {
    let o = a * total;
    parts.forEach((p, i) => {
      data.set(p.data.subarray(a * chunks[i]!, (a + 1) * chunks[i]!), o);
      o += chunks[i]!;
    });
  }
  return {
    outs: [{ dims, data }],
    back: ([g]) =>
      parts.map((p, i) => {
        const gp = new Float64Array(p.data.length);
        const off = chunks.slice(0, i).reduce((s, c) => s + c, 0);
        for (let a = 0; a < outer; a++)
          gp.set(g!.subarray(a * total + off, a * total + off + chunks[i]!), a * chunks[i]!);
        return gp;
      }),
  };
};

/**
 * dst[row·p + j] = dst[row·p + j]! + Σ_i coef[base + row·rs + i·is] · src[i·p + j] for row < rows, j < p: a matrix product over the
 * columns of a column matrix, four rows at a time over blocks of columns so each source block is read once per four
 * rows (the sums run in the same order as a plain loop).
 */
function mulAdd(
  dst: Float64Array,
  src: Float64Array,
  coef: Float64Array,
  rows: number,
  inner: number,
  p: number,
  base: number,
  rs: number,
  is: number,
): void {
  const block = 512;
  for (let j0 = 0; j0 < p; j0 += block) {
    const j1 = Math.min(p, j0 + block);
    let row = 0;
    for (; row + 4 <= rows; row += 4) {
      const d0 = row * p;
      const d1 = d0 + p;
      const d2 = d1 + p;
      const d3 = d2 + p;
      for (let i = 0; i < inner; i++) {
        const c0 = base + row * rs + i * is;
        const w0 = coef[c0]!;
        const w1 = coef[c0 + rs]!;
        const w2 = coef[c0 + 2 * rs]!;
        const w3 = coef[c0 + 3 * rs]!;
        const at = i * p;
        for (let j = j0; j < j1; j++) {
          const x = src[at + j]!;
          dst[d0 + j] = dst[d0 + j]! + w0 * x;
          dst[d1 + j] = dst[d1 + j]! + w1 * x;
          dst[d2 + j] = dst[d2 + j]! + w2 * x;
          dst[d3 + j] = dst[d3 + j]! + w3 * x;
        }
      }
    }
    for (; row < rows; row++)
      for (let i = 0; i < inner; i++) {
        const wv = coef[base + row * rs + i * is]!;
        const at = i * p;
        const d = row * p;
        for (let j = j0; j < j1; j++) dst[d + j] = dst[d + j]! + wv * src[at + j]!;
      }
  }
}

interface ConvShape {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly wd: number;
  readonly cg: number;
  readonly kh: number;
  readonly kw: number;
  readonly oh: number;
  readonly ow: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly pt: number;
  readonly pl: number;
}

const sourcesSeen = new WeakMap<GraphNode, { key: string; sources: Int32Array }>();
/** Scratch column matrices per node (forward and backward use one each; neither outlives the call). */
const scratchSeen = new WeakMap<GraphNode, { col: Float64Array; acc: Float64Array }>();

function scratchFor(node: GraphNode, colSize: number, accSize: number): { col: Float64Array; acc: Float64Array } {
  const seen = scratchSeen.get(node);
  if (seen && seen.col.length === colSize && seen.acc.length === accSize) return seen;
  const made = { col: new Float64Array(colSize), acc: new Float64Array(accSize) };
  scratchSeen.set(node, made);
  return made;
}

/**
 * For each column-matrix row (input channel of a group, ky, kx) and output position: the input index (in group 0's
 * channels) or −1 in the padding. Kept per node while its input shape repeats.
 */
function columnSources(node: GraphNode, s: ConvShape): Int32Array {
  const key = Object.values(s).join(',');
  const seen = sourcesSeen.get(node);
  if (seen?.key === key) return seen.sources;
  const { n, c, h, wd, cg, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl } = s;
  const plane = oh * ow;
  const p = n * plane;
  const sources = new Int32Array(cg * kh * kw * p);
  for (let icg = 0; icg < cg; icg++)
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++) {
        const row = ((icg * kh + ky) * kw + kx) * p;
        for (let b = 0; b < n; b++)
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh - pt + ky * dh;
            for (let ox = 0; ox < ow; ox++) {
              const ix = ox * sw - pl + kx * dw;
              sources[row + b * plane + oy * ow + ox] =
                iy < 0 || iy >= h || ix < 0 || ix >= wd ? -1 : ((b * c + icg) * h + iy) * wd + ix;
            }
          }
      }
  sourcesSeen.set(node, { key, sources });
  return sources;
}

/** 2-D convolution (NCHW, explicit pads, any stride, dilation and group). */
const conv: Op = (node, ins) => {
  const x = need(ins[0], node, 0);
  const w = need(ins[1], node, 1);
  const bias = ins[2];
  if (x.dims.length !== 4 || w.dims.length !== 4) throw new UnsupportedGraphError('Conv other than 2-D');
  const autoPad = attr(node, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET') throw new UnsupportedGraphError(`Conv auto_pad ${String(autoPad)}`);
  const [n, c, h, wd] = x.dims as [number, number, number, number];
  const [m, cg, kh, kw] = w.dims as [number, number, number, number];
  const group = attr(node, 'group', 1);
  const [sh, sw] = attr<readonly number[]>(node, 'strides', [1, 1]) as [number, number];
  const [dh, dw] = attr<readonly number[]>(node, 'dilations', [1, 1]) as [number, number];
  const [pt, pl, pb, pr] = attr<readonly number[]>(node, 'pads', [0, 0, 0, 0]) as [number, number, number, number];
  if (cg * group !== c) throw new UnsupportedGraphError(`Conv with ${c} channels and weights for ${cg}×${group}`);
  const oh = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((wd + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  const mg = m / group;
  const k = cg * kh * kw;
  const plane = oh * ow;
  const p = n * plane;
  const source = columnSources(node, { n, c, h, wd, cg, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl });
  /** Offset of group g's first input channel in an input index. */
  const groupShift = h * wd * cg;
  const out = new Float64Array(n * m * plane);
  const xd = x.data;
  const { col, acc } = scratchFor(node, k * p, mg * p);
  for (let g = 0; g < group; g++) {
    for (let i = 0; i < k * p; i++) {
      const at = source[i]!;
      col[i] = at < 0 ? 0 : xd[at + g * groupShift]!;
    }
    acc.fill(0);
    mulAdd(acc, col, w.data, mg, k, p, g * mg * k, k, 1);
    for (let o = 0; o < mg; o++) {
      const oc = g * mg + o;
      const bv = bias ? bias.data[oc]! : 0;
      for (let b = 0; b < n; b++) {
        const dst = (b * m + oc) * plane;
        const from = o * p + b * plane;
        for (let q = 0; q < plane; q++) out[dst + q] = acc[from + q]! + bv;
      }
    }
  }
  return {
    outs: [{ dims: [n, m, oh, ow], data: out }],
    back: ([gOut]) => {
      const gx = new Float64Array(xd.length);
      const { col: gcol, acc } = scratchFor(node, k * p, mg * p);
      for (let g = 0; g < group; g++) {
        for (let o = 0; o < mg; o++) {
          const oc = g * mg + o;
          for (let b = 0; b < n; b++)
            acc.set(gOut!.subarray((b * m + oc) * plane, (b * m + oc + 1) * plane), o * p + b * plane);
        }
        gcol.fill(0);
        mulAdd(gcol, acc, w.data, k, mg, p, g * mg * k, 1, k);
        for (let i = 0; i < k * p; i++) {
          const at = source[i]!;
          if (at >= 0) gx[at + g * groupShift] = gx[at + g * groupShift]! + gcol[i]!;
        }
      }
      return [gx, undefined, undefined];
    },
  };
};

/** Mean over `axes` (all when none), keeping or dropping them. */
function reduceMean(x: Tensor, axes: readonly number[], keep: boolean): Applied {
  const rank = x.dims.length;
  const set = new Set((axes.length ? axes : [...x.dims.keys()]).map((a) => axisOf(a, rank)));
  const kept = x.dims.map((d, i) => (set.has(i) ? 1 : d));
  const ks = stridesOf(kept);
  const xs = stridesOf(x.dims);
  const count = x.data.length / size(kept);
  const to = new Int32Array(x.data.length);
  for (let k = 0; k < x.data.length; k++) {
    let r = k;
    let p = 0;
    for (let d = 0; d < rank; d++) {
      const cIdx = Math.floor(r / xs[d]!);
      r -= cIdx * xs[d]!;
      if (!set.has(d)) p += cIdx * ks[d]!;
    }
    to[k] = p;
  }
  const data = new Float64Array(size(kept));
  for (let k = 0; k < x.data.length; k++) data[to[k]!] = data[to[k]!]! + x.data[k]! / count;
  const dims = keep ? kept : x.dims.filter((_, i) => !set.has(i));
  return {
    outs: [{ dims, data }],
    back: ([g]) => [Float64Array.from(to, (p) => g![p]! / count)],
  };
}

function matmul(
  a: Float64Array,
  b: Float64Array,
  rows: number,
  inner: number,
  cols: number,
  ta: boolean,
  tb: boolean,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let k = 0; k < inner; k++) {
      const av = ta ? a[k * rows + i]! : a[i * inner + k]!;
      if (av === 0) continue;
      for (let j = 0; j < cols; j++)
        out[i * cols + j] = out[i * cols + j]! + av * (tb ? b[j * inner + k]! : b[k * cols + j]!);
    }
  return out;
}

const gemm: Op = (node, ins) => {
  const a = need(ins[0], node, 0);
  const b = need(ins[1], node, 1);
  const c = ins[2];
  const ta = attr<number>(node, 'transA', 0) === 1;
  const tb = attr<number>(node, 'transB', 0) === 1;
  const alpha = attr(node, 'alpha', 1);
  const beta = attr(node, 'beta', 1);
  const rows = ta ? a.dims[1]! : a.dims[0]!;
  const inner = ta ? a.dims[0]! : a.dims[1]!;
  const cols = tb ? b.dims[0]! : b.dims[1]!;
  const data = matmul(a.data, b.data, rows, inner, cols, ta, tb).map((v) => alpha * v);
  if (c) {
    const bias = binary(
      (p, q) => p + beta * q,
      () => 1,
      () => beta,
    )(node, [{ dims: [rows, cols], data }, c]);
    data.set(bias.outs[0]!.data);
  }
  return {
    outs: [{ dims: [rows, cols], data }],
    back: ([g]) => {
      // dA = alpha · G · Bᵀ (or its transpose when A was transposed); weights get no gradient.
      const ga = matmul(g!, b.data, rows, cols, inner, false, !tb).map((v) => alpha * v);
      if (!ta) return [ga, undefined, undefined];
      const t = new Float64Array(ga.length);
      for (let i = 0; i < rows; i++) for (let k = 0; k < inner; k++) t[k * rows + i] = ga[i * inner + k]!;
      return [t, undefined, undefined];
    },
  };
};

const matMul2d: Op = (node, ins) => {
  const a = need(ins[0], node, 0);
  const b = need(ins[1], node, 1);
  if (a.dims.length !== 2 || b.dims.length !== 2) throw new UnsupportedGraphError('MatMul other than 2-D');
  const [rows, inner] = a.dims as [number, number];
  const cols = b.dims[1]!;
  return {
    outs: [{ dims: [rows, cols], data: matmul(a.data, b.data, rows, inner, cols, false, false) }],
    back: ([g]) => [matmul(g!, b.data, rows, cols, inner, false, true), undefined],
  };
};

const reshapeDims = (x: Tensor, shape: Float64Array): number[] => {
  const dims = Array.from(shape, (d, i) => (d === 0 ? x.dims[i]! : d));
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return dims.map((d) => (d === -1 ? x.data.length / known : d));
};

const OPS: Readonly<Record<string, Op>> = {
  Identity: (node, ins) => view(need(ins[0], node, 0), need(ins[0], node, 0).dims),
  Shape: (node, ins) => {
    const d = need(ins[0], node, 0).dims;
    return { outs: [{ dims: [d.length], data: Float64Array.from(d) }] };
  },
  Constant: (node) => {
    const v = node.attributes.get('value');
    if (!v || typeof v !== 'object' || !('dims' in v))
      throw new UnsupportedGraphError('Constant without a tensor value');
    return { outs: [v as GraphTensor] };
  },
  Cast: (node, ins) => {
    const x = need(ins[0], node, 0);
    const to = attr(node, 'to', 1);
    const integer = to !== 1 && to !== 10 && to !== 11 && to !== 16;
    return { outs: [{ dims: x.dims, data: integer ? x.data.map(Math.trunc) : x.data }], back: ([g]) => [g!] };
  },
  Range: (node, ins) => {
    const [start, limit, delta] = [0, 1, 2].map((i) => need(ins[i], node, i).data[0]!) as [number, number, number];
    const n = Math.max(0, Math.ceil((limit - start) / delta));
    return { outs: [{ dims: [n], data: Float64Array.from({ length: n }, (_, i) => start + i * delta) }] };
  },
  Add: binary(
    (a, b) => a + b,
    () => 1,
    () => 1,
  ),
  Sub: binary(
    (a, b) => a - b,
    () => 1,
    () => -1,
  ),
  Mul: binary(
    (a, b) => a * b,
    (_, b) => b,
    (a) => a,
  ),
  Div: binary(
    (a, b) => a / b,
    (_, b) => 1 / b,
    (a, b) => -a / (b * b),
  ),
  Relu: unary(
    (x) => (x > 0 ? x : 0),
    (x) => (x > 0 ? 1 : 0),
  ),
  Sigmoid: unary(
    (x) => 1 / (1 + Math.exp(-x)),
    (_, y) => y * (1 - y),
  ),
  Tanh: unary(Math.tanh, (_, y) => 1 - y * y),
  Gather: gather,
  Transpose: transpose,
  Concat: concat,
  Conv: conv,
  GlobalAveragePool: (node, ins) => {
    const x = need(ins[0], node, 0);
    return reduceMean(x, [...x.dims.keys()].slice(2), true);
  },
  ReduceMean: (node, ins) => {
    const x = need(ins[0], node, 0);
    const axes = ins[1] ? Array.from(ins[1].data) : attr<readonly number[]>(node, 'axes', []);
    return reduceMean(x, axes, attr<number>(node, 'keepdims', 1) === 1);
  },
  Flatten: (node, ins) => {
    const x = need(ins[0], node, 0);
    const axis = axisOf(attr(node, 'axis', 1), x.dims.length);
    return view(x, [size(x.dims.slice(0, axis)), size(x.dims.slice(axis))]);
  },
  Reshape: (node, ins) => {
    const x = need(ins[0], node, 0);
    return view(x, reshapeDims(x, need(ins[1], node, 1).data));
  },
  Unsqueeze: (node, ins) => {
    const x = need(ins[0], node, 0);
    const axes = ins[1] ? Array.from(ins[1].data) : attr<readonly number[]>(node, 'axes', []);
    const rank = x.dims.length + axes.length;
    const set = new Set(axes.map((a) => axisOf(a, rank)));
    const dims: number[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) dims.push(set.has(i) ? 1 : x.dims[k++]!);
    return view(x, dims);
  },
  Squeeze: (node, ins) => {
    const x = need(ins[0], node, 0);
    const axes = ins[1] ? Array.from(ins[1].data) : attr<readonly number[]>(node, 'axes', []);
    const set = new Set(axes.map((a) => axisOf(a, x.dims.length)));
    return view(
      x,
      x.dims.filter((d, i) => (set.size ? !set.has(i) : d !== 1)),
    );
  },
  Gemm: gemm,
  MatMul: matMul2d,
};

/** One evaluation: the output's values and the gradient of Σ weights · output with respect to the input. */
export interface ModelRun {
  readonly output: Float64Array;
  gradient(weights: ArrayLike<number>): Float64Array;
}

export interface DifferentiableModel {
  run(input: Float64Array): ModelRun;
}

/**
 * The graph's `output` as a function of its one input, shaped `inputDims`. Throws `UnsupportedGraphError` naming the
 * first operator (or domain) it cannot evaluate, so callers can fall back to estimated gradients.
 */
export function differentiableModel(
  graph: OnnxGraph,
  inputDims: readonly number[],
  output: string,
): DifferentiableModel {
  for (const n of graph.nodes) {
    if (n.domain !== '' && n.domain !== 'ai.onnx') throw new UnsupportedGraphError(`operator domain ${n.domain}`);
    if (!(n.op in OPS)) throw new UnsupportedGraphError(`operator ${n.op}`);
  }
  const [inputName] = graph.inputs;
  if (!inputName || graph.inputs.length !== 1) throw new UnsupportedGraphError(`${graph.inputs.length} graph inputs`);
  return {
    run(input) {
      if (input.length !== size(inputDims))
        throw new RangeError(`input of ${input.length} values for ${inputDims.join('×')}`);
      const values = new Map<string, Tensor>(graph.initializers);
      const live = new Set<string>([inputName]);
      values.set(inputName, { dims: inputDims, data: input });
      const tape: { node: GraphNode; back: Backward }[] = [];
      for (const node of graph.nodes) {
        const applied = OPS[node.op]!(
          node,
          node.inputs.map((i) => (i === '' ? undefined : values.get(i))),
        );
        node.outputs.forEach((o, i) => values.set(o, applied.outs[i]!));
        if (applied.back && node.inputs.some((i) => live.has(i))) {
          tape.push({ node, back: applied.back });
          for (const o of node.outputs) live.add(o);
        }
      }
      const out = values.get(output);
      if (!out) throw new UnsupportedGraphError(`no value named ${output}`);
      return {
        output: out.data,
        gradient(weights) {
          const grads = new Map<string, Float64Array>([[output, Float64Array.from(weights)]]);
          for (let t = tape.length - 1; t >= 0; t--) {
            const { node, back } = tape[t]!;
            if (node.outputs.every((o) => !grads.has(o))) continue;
            const gOut = node.outputs.map((o) => grads.get(o) ?? new Float64Array(values.get(o)!.data.length));
            back(gOut).forEach((g, i) => {
              const name = node.inputs[i];
              if (!g || !name || !live.has(name)) return;
              const prev = grads.get(name);
              if (!prev) grads.set(name, g === gOut[0] ? Float64Array.from(g) : g);
              else for (let k = 0; k < g.length; k++) prev[k] = prev[k]! + g[k]!;
            });
          }
          return grads.get(inputName) ?? new Float64Array(input.length);
        },
      };
    },
  };
}
