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

function gram(a: Float64Array, rows: number, cols: number): Float64Array {
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

/**
 * The control grid Θ (gy × gx) of least norm whose coefficients k ∈ `keep` (row-major indices into m × n) change by
 * `change[t]`; the other coefficients are left free. A tiny ridge keeps near-dependent rows solvable.
 */
export function leastChange(g: GridModel, keep: readonly number[], change: readonly number[]): Float64Array {
  const s = keep.length;
  const theta = new Float64Array(g.gy * g.gx);
  if (s === 0) return theta;
  const gs = new Float64Array(s * s);
  let trace = 0;
  for (let a = 0; a < s; a++) {
    const ia = Math.floor(keep[a]! / g.n);
    const ja = keep[a]! % g.n;
    for (let b = 0; b < s; b++) {
      const ib = Math.floor(keep[b]! / g.n);
      const jb = keep[b]! % g.n;
      gs[a * s + b] = g.gyy[ia * g.m + ib]! * g.gxx[ja * g.n + jb]!;
    }
    trace += gs[a * s + a]!;
  }
  const ridge = (1e-9 * trace) / s;
  for (let a = 0; a < s; a++) gs[a * s + a] = gs[a * s + a]! + ridge;
  const z = solveSpd(gs, Float64Array.from(change));
  const zm = new Float64Array(g.m * g.n);
  keep.forEach((k, a) => (zm[k] = z[a]!));
  // Θ = Ayᵀ · Z · Ax
  const zax = matMul(zm, g.m, g.n, g.ax, g.gx);
  const ayT = new Float64Array(g.gy * g.m);
  for (let i = 0; i < g.m; i++) for (let j = 0; j < g.gy; j++) ayT[j * g.m + i] = g.ay[i * g.gy + j]!;
  theta.set(matMul(ayT, g.gy, g.m, zax, g.gx));
  return theta;
}
