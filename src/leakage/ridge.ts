// Ridge regression in closed form, W = (XᵀX + λI)⁻¹ XᵀY, from accumulated normal equations, so that fold models of a
// cross-fitted study are the full sums minus the held-out fold's. Solved by Cholesky (XᵀX + λI is positive definite).

/** Accumulated XᵀX (p × p) and XᵀY (p × q) of rows x (p features) and y (q outputs). */
export interface NormalEquations {
  readonly p: number;
  readonly q: number;
  readonly xtx: Float64Array;
  readonly xty: Float64Array;
  rows: number;
}

export function emptyNormalEquations(p: number, q: number): NormalEquations {
  return { p, q, xtx: new Float64Array(p * p), xty: new Float64Array(p * q), rows: 0 };
}

/** Adds one row (x of length p, y of length q). */
export function addRow(ne: NormalEquations, x: ArrayLike<number>, y: ArrayLike<number>): void {
  const { p, q, xtx, xty } = ne;
  for (let i = 0; i < p; i++) {
    const xi = x[i] ?? 0;
    if (xi === 0) continue;
    for (let j = 0; j < p; j++) xtx[i * p + j] = (xtx[i * p + j] ?? 0) + xi * (x[j] ?? 0);
    for (let k = 0; k < q; k++) xty[i * q + k] = (xty[i * q + k] ?? 0) + xi * (y[k] ?? 0);
  }
  ne.rows++;
}

/** The sum of several normal equations of the same shape (the rows of all of them). */
export function sumNormalEquations(list: readonly NormalEquations[], p: number, q: number): NormalEquations {
  const out = emptyNormalEquations(p, q);
  for (const ne of list) {
    ne.xtx.forEach((v, i) => (out.xtx[i] = (out.xtx[i] ?? 0) + v));
    ne.xty.forEach((v, i) => (out.xty[i] = (out.xty[i] ?? 0) + v));
    out.rows += ne.rows;
  }
  return out;
}

/** a − b, element-wise (the normal equations of the rows in a but not in b). */
export function subtractNormalEquations(a: NormalEquations, b: NormalEquations): NormalEquations {
  return {
    p: a.p,
    q: a.q,
    xtx: a.xtx.map((v, i) => v - (b.xtx[i] ?? 0)),
    xty: a.xty.map((v, i) => v - (b.xty[i] ?? 0)),
    rows: a.rows - b.rows,
  };
}

/** In-place Cholesky factor L (lower triangle) of a symmetric positive-definite n × n matrix. */
function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] ?? 0;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] ?? 0) * (l[j * n + k] ?? 0);
      if (i === j) {
        if (!(s > 0)) throw new RangeError('ridge system is not positive definite');
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / (l[j * n + j] ?? 1);
    }
  return l;
}

/**
 * The p × q weights minimising ‖XW − Y‖² + λ‖W‖², with the last feature (the bias column, when `unpenalisedLast`)
 * left unpenalised.
 */
export function solveRidge(ne: NormalEquations, lambda: number, unpenalisedLast = true): Float64Array {
  const { p, q } = ne;
  const a = ne.xtx.slice();
  for (let i = 0; i < p; i++) if (!(unpenalisedLast && i === p - 1)) a[i * p + i] = (a[i * p + i] ?? 0) + lambda;
  // A tiny ridge on the bias keeps A positive definite when every row's bias is the only non-zero feature.
  if (unpenalisedLast) a[p * p - 1] = (a[p * p - 1] ?? 0) + 1e-9;
  const l = cholesky(a, p);
  const w = new Float64Array(p * q);
  const z = new Float64Array(p);
  for (let k = 0; k < q; k++) {
    for (let i = 0; i < p; i++) {
      let s = ne.xty[i * q + k] ?? 0;
      for (let j = 0; j < i; j++) s -= (l[i * p + j] ?? 0) * (z[j] ?? 0);
      z[i] = s / (l[i * p + i] ?? 1);
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = z[i] ?? 0;
      for (let j = i + 1; j < p; j++) s -= (l[j * p + i] ?? 0) * (w[j * q + k] ?? 0);
      w[i * q + k] = s / (l[i * p + i] ?? 1);
    }
  }
  return w;
}

/** x · W for a feature row x (length p) and weights W (p × q). */
export function predict(w: Float64Array, p: number, q: number, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(q);
  for (let i = 0; i < p; i++) {
    const xi = x[i] ?? 0;
    if (xi === 0) continue;
    for (let k = 0; k < q; k++) out[k] = (out[k] ?? 0) + xi * (w[i * q + k] ?? 0);
  }
  return out;
}
