// The least change of a smooth perturbation that moves chosen coefficients of a linear hash model by chosen amounts:
// min ‖Θ‖ subject to (Ay · Θ · Axᵀ)_k = r_k for k in S, solved through the small Gram matrix of the kept rows.
import { matMul, type LinearHashModel } from './linear-model.js';
import type { AxisBasis } from './pixels.js';

/** A linear model seen from a control grid: coefficients C(Θ) = Ay · Θ · Axᵀ with Ay = Ry · Py, Ax = Rx · Px. */
export interface GridModel {
  readonly m: number;
  readonly n: number;
  readonly gy: number;
  readonly gx: number;
  readonly ay: Float64Array;
  readonly ax: Float64Array;
  /** Ay · Ayᵀ (m × m) and Ax · Axᵀ (n × n): the Gram matrix of coefficient rows (i, j), (k, l) is gyy[i,k] · gxx[j,l]. */
  readonly gyy: Float64Array;
  readonly gxx: Float64Array;
}

/** R · P for an r × size matrix R and the bilinear basis P (size × grid). */
function throughBasis(r: Float64Array, rows: number, basis: AxisBasis): Float64Array {
  const { size, grid } = basis;
  const out = new Float64Array(rows * grid);
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < size; p++) {
      const v = r[i * size + p]!;
      if (v === 0) continue;
      const lo = basis.lo[p]!;
      const w = basis.w[p]!;
      out[i * grid + lo] = out[i * grid + lo]! + (1 - w) * v;
      const hi = grid === 1 ? lo : lo + 1;
      out[i * grid + hi] = out[i * grid + hi]! + w * v;
    }
  }
  return out;
}

export function gram(a: Float64Array, rows: number, cols: number): Float64Array {
  const g = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += a[i * cols + k]! * a[j * cols + k]!;
      g[i * rows + j] = g[j * rows + i] = s;
    }
  }
  return g;
}

export function gridModel(model: LinearHashModel, ys: AxisBasis, xs: AxisBasis): GridModel {
  const ay = throughBasis(model.ry, model.m, ys);
  const ax = throughBasis(model.rx, model.n, xs);
  return {
    m: model.m,
    n: model.n,
    gy: ys.grid,
    gx: xs.grid,
    ay,
    ax,
    gyy: gram(ay, model.m, ys.grid),
    gxx: gram(ax, model.n, xs.grid),
  };
}

/** Solves the symmetric positive definite system G z = r in place of a copy (Cholesky); G is s × s. */
export function solveSpd(g: Float64Array, r: Float64Array): Float64Array {
  const s = r.length;
  const l = new Float64Array(s * s);
  for (let i = 0; i < s; i++) {
    for (let j = 0; j <= i; j++) {
      let v = g[i * s + j]!;
      for (let k = 0; k < j; k++) v -= l[i * s + k]! * l[j * s + k]!;
      if (i === j) l[i * s + i] = Math.sqrt(Math.max(v, 1e-300));
      else l[i * s + j] = v / l[j * s + j]!;
    }
  }
  const y = new Float64Array(s);
  for (let i = 0; i < s; i++) {
    let v = r[i]!;
    for (let k = 0; k < i; k++) v -= l[i * s + k]! * y[k]!;
    y[i] = v / l[i * s + i]!;
  }
  const z = new Float64Array(s);
  for (let i = s - 1; i >= 0; i--) {
    let v = y[i]!;
    for (let k = i + 1; k < s; k++) v -= l[k * s + i]! * z[k]!;
    z[i] = v / l[i * s + i]!;
  }
  return z;
}

/** One model's share of a joint least-change request: which of its coefficients must change, and by how much. */
export interface ChangeRequest {
  readonly g: GridModel;
  /** Row-major indices into the model's m × n coefficients. */
  readonly keep: readonly number[];
  readonly change: readonly number[];
}

/** A · Bᵀ for a: ra × k and b: rb × k, row-major. */
function crossGram(a: Float64Array, ra: number, b: Float64Array, rb: number, k: number): Float64Array {
  const out = new Float64Array(ra * rb);
  for (let i = 0; i < ra; i++)
    for (let j = 0; j < rb; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t]! * b[j * k + t]!;
      out[i * rb + j] = s;
    }
  return out;
}

/**
 * The control grid Θ (gy × gx) of least norm whose coefficients k ∈ `keep` (row-major indices into m × n) change by
 * `change[t]`; the other coefficients are left free. A tiny ridge keeps near-dependent rows solvable.
 */
export function leastChange(g: GridModel, keep: readonly number[], change: readonly number[]): Float64Array {
  return leastChangeJoint([{ g, keep, change }]);
}

/**
 * The same for several linear models read from one control grid (a collision that must hold under two hashes): the
 * Gram matrix of all kept rows, whose block between models p and q is (Ay_p·Ay_qᵀ)[i, k] · (Ax_p·Ax_qᵀ)[j, l].
 */
export function leastChangeJoint(parts: readonly ChangeRequest[]): Float64Array {
  const first = parts[0]!.g;
  const theta = new Float64Array(first.gy * first.gx);
  const offsets = parts.map((_, p) => parts.slice(0, p).reduce((n, q) => n + q.keep.length, 0));
  const s = parts.reduce((n, q) => n + q.keep.length, 0);
  if (s === 0) return theta;
  const gs = new Float64Array(s * s);
  let trace = 0;
  parts.forEach((pp, p) =>
    parts.forEach((pq, q) => {
      const same = p === q;
      const yy = same ? pp.g.gyy : crossGram(pp.g.ay, pp.g.m, pq.g.ay, pq.g.m, first.gy);
      const xx = same ? pp.g.gxx : crossGram(pp.g.ax, pp.g.n, pq.g.ax, pq.g.n, first.gx);
      for (let a = 0; a < pp.keep.length; a++) {
        const ia = Math.floor(pp.keep[a]! / pp.g.n);
        const ja = pp.keep[a]! % pp.g.n;
        for (let b = 0; b < pq.keep.length; b++) {
          const ib = Math.floor(pq.keep[b]! / pq.g.n);
          const jb = pq.keep[b]! % pq.g.n;
          gs[(offsets[p]! + a) * s + offsets[q]! + b] = yy[ia * pq.g.m + ib]! * xx[ja * pq.g.n + jb]!;
        }
      }
    }),
  );
  for (let a = 0; a < s; a++) trace += gs[a * s + a]!;
  const ridge = (1e-9 * trace) / s;
  for (let a = 0; a < s; a++) gs[a * s + a] = gs[a * s + a]! + ridge;
  const z = solveSpd(gs, Float64Array.from(parts.flatMap((p) => [...p.change])));
  parts.forEach(({ g, keep }, p) => {
    const zm = new Float64Array(g.m * g.n);
    keep.forEach((k, a) => (zm[k] = z[offsets[p]! + a]!));
    // Θ += Ayᵀ · Z · Ax
    const zax = matMul(zm, g.m, g.n, g.ax, g.gx);
    const ayT = new Float64Array(g.gy * g.m);
    for (let i = 0; i < g.m; i++) for (let j = 0; j < g.gy; j++) ayT[j * g.m + i] = g.ay[i * g.gy + j]!;
    const part = matMul(ayT, g.gy, g.m, zax, g.gx);
    for (let i = 0; i < theta.length; i++) theta[i] = theta[i]! + part[i]!;
  });
  return theta;
}
