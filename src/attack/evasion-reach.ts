// How much an evasion must change an image, from the hash's linear model (white-box, computed once per image): an
// upper bound on the PSNR that any image past τ can keep, and the PSNR of a least change found in the model. They
// tell an attack's failures that no attack could turn into successes from those a better search might.
import { psnrFromMse } from '../image/similarity.js';
import { gram } from './least-change.js';
import { coefficientsOfImage, linearModelFor, thresholds, type LinearHashModel } from './linear-model.js';
import type { RgbImage } from './pixels.js';

export interface EvasionReach {
  /**
   * PSNR of the source's own upload (its JPEG re-encode) against it: an evasion's upload, the source plus a change,
   * re-encoded, rarely does better, whatever the hasher.
   */
  readonly uploadPsnr: number;
  /**
   * No image whose hash is more than τ from the source's has a higher PSNR against it (dB), in the hash's linear model
   * with its rounding slack (Pillow's clipping of intermediate rows is not modelled); absent where the rounding
   * allows no useful bound (pHash's 32 × 32 thumbnail feeds a DCT) or the hasher has no linear model.
   */
  readonly boundPsnr?: number;
  /**
   * PSNR of the least change found in the model (bits chosen greedily, the least squares change for them exact) with
   * the error of the source's own upload added: what a white-box attacker could expect, before clipping; absent
   * for hashers without a linear model.
   */
  readonly leastChangePsnr?: number;
}

/**
 * How far a coefficient may sit from the float model: aHash and dHash read Pillow's 8-bit resample of an 8-bit grey
 * image (three roundings of ±0.5, the vertical one through weights whose absolute sum is about 1.2, on both sides
 * of a comparison); PDQ runs in float32 against the model's float64. None for blockhash: its flat blocks tie at
 * their band's median (tux-woodlouse's white blocks: 40 of 64), a tie goes by the median's brightness, so its flips
 * need not balance and a white block flips for a change of one level (the attack evaded it at 30.0 dB where a
 * balanced bound said 25.5).
 */
function slackFor(model: LinearHashModel, c: Float64Array): number | undefined {
  const base = model.algo.split(':')[0];
  if (base === 'ahash' || base === 'dhash') return 2.5;
  if (base === 'pdq') return 1e-3 * c.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  return undefined;
}

/**
 * An upper bound on the largest eigenvalue of a symmetric positive semi-definite s × s matrix: the power iteration's
 * estimate λ raised by the least factor 1 + ε (ε = 10⁻⁹, 10⁻⁸, …) for which λ·(1 + ε)·I − G is positive definite,
 * which certifies it; Gershgorin's row bound if none is.
 */
function largestEigenvalue(g: Float64Array, s: number): number {
  let v = new Float64Array(s).fill(1 / Math.sqrt(s));
  let lambda = 0;
  for (let it = 0; it < 500; it++) {
    const w = new Float64Array(s);
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) w[i] = w[i]! + g[i * s + j]! * v[j]!;
    const norm = Math.hypot(...w);
    if (norm === 0) return 0;
    const converged = Math.abs(norm - lambda) <= 1e-12 * norm;
    lambda = norm;
    v = w.map((x) => x / norm);
    if (converged) break;
  }
  for (let eps = 1e-9; eps < 1; eps *= 10) {
    const shifted = g.map((x, k) => (k % (s + 1) === 0 ? lambda * (1 + eps) : 0) - x);
    if (positiveDefinite(shifted, s)) return lambda * (1 + eps);
  }
  let gershgorin = 0;
  for (let i = 0; i < s; i++) {
    let r = 0;
    for (let j = 0; j < s; j++) r += Math.abs(g[i * s + j]!);
    gershgorin = Math.max(gershgorin, r);
  }
  return gershgorin;
}

/** Whether a symmetric s × s matrix is positive definite: every Cholesky pivot above 10⁻¹⁰ of its largest diagonal entry. */
function positiveDefinite(g: Float64Array, s: number): boolean {
  const l = new Float64Array(s * s);
  let largest = 0;
  for (let i = 0; i < s; i++) largest = Math.max(largest, g[i * s + i]!);
  for (let i = 0; i < s; i++)
    for (let j = 0; j <= i; j++) {
      let v = g[i * s + j]!;
      for (let k = 0; k < j; k++) v -= l[i * s + k]! * l[j * s + k]!;
      if (i === j) {
        if (!(v > 1e-10 * largest)) return false;
        l[i * s + i] = Math.sqrt(v);
      } else l[i * s + j] = v / l[j * s + j]!;
    }
  return true;
}

/** Prefix sums of the values sorted ascending: out[i] = the sum of the i smallest. */
function prefixOfSorted(values: number[]): Float64Array {
  values.sort((x, y) => x - y);
  const out = new Float64Array(values.length + 1);
  values.forEach((v, i) => (out[i + 1] = out[i]! + v));
  return out;
}

/**
 * For values thresholded at their median (bit = value > t0): least[d], a lower bound on ‖ΔC‖² for any change that
 * flips at least d of their bits, d = 0..maxFlips. Whatever the new median t, as many bits go from 1 to 0 (set A) as
 * from 0 to 1 (set B), to within one, when no values tie at t (PDQ's float coefficients; ties, which would let the
 * flips be unbalanced, are not modelled), and every value ends on its side of t: a 1 in A at most t, a 1 outside A above
 * it, a 0 in B above it, a 0 outside B at most t. Over a small interval [lo, hi] of t each of these costs at least
 * its gap to the interval's nearer end (less the slack), so the bound is the base cost of keeping every bit plus
 * the cheapest balanced choice of A and B, minimised over the intervals.
 */
function leastMedianChanges(values: ArrayLike<number>, t0: number, maxFlips: number, slack: number): Float64Array {
  const all = Array.from(values);
  const ones = all.filter((v) => v > t0);
  const zeros = all.filter((v) => !(v > t0));
  const gap = (x: number): number => Math.max(0, x - slack) ** 2;
  const sorted = Float64Array.from(all).sort();
  const least = new Float64Array(maxFlips + 1).fill(Infinity);
  const consider = (lo: number, hi: number): void => {
    // Keeping a 1 costs gap(lo − v), flipping it gap(v − hi); keeping a 0 costs gap(v − hi), flipping it gap(lo − v).
    let base = 0;
    for (const v of ones) base += gap(lo - v);
    for (const v of zeros) base += gap(v - hi);
    const intoA = prefixOfSorted(ones.map((v) => gap(v - hi) - gap(lo - v)));
    const intoB = prefixOfSorted(zeros.map((v) => gap(lo - v) - gap(v - hi)));
    for (let a = 0; a < intoA.length; a++)
      for (let b = Math.max(0, a - 1); b <= a + 1 && b < intoB.length; b++) {
        const cost = base + intoA[a]! + intoB[b]!;
        for (let d = Math.min(maxFlips, a + b); d >= 0 && cost < least[d]!; d--) least[d] = cost;
      }
  };
  consider(-Infinity, sorted[0]!);
  for (let i = 0; i + 1 < sorted.length; i++)
    for (let q = 0; q < 4; q++)
      consider(
        sorted[i]! + ((sorted[i + 1]! - sorted[i]!) * q) / 4,
        sorted[i]! + ((sorted[i + 1]! - sorted[i]!) * (q + 1)) / 4,
      );
  consider(sorted[sorted.length - 1]!, Infinity);
  return least;
}

/**
 * least[d], d = 0..maxFlips: a lower bound on ‖ΔC‖² for any coefficient change that flips at least d bits, each gap
 * less the slack. A mean threshold moves with the change, but each flipped coefficient moves at least its gap
 * against the moved mean, and ‖ΔC − mean‖ ≤ ‖ΔC‖; zero stays; under a median (per band for blockhash) see
 * `leastMedianChanges`, the bands' flips shared out at least cost.
 */
export function leastCoefficientChanges(
  model: LinearHashModel,
  c: Float64Array,
  maxFlips: number,
  slack: number,
): Float64Array {
  const t0 = thresholds(model, c);
  const least = new Float64Array(maxFlips + 1).fill(Infinity);
  if (model.rule === 'mean' || model.rule === 'zero') {
    const prefix = prefixOfSorted(Array.from(c, (v, k) => Math.max(0, Math.abs(v - t0[k]!) - slack) ** 2));
    for (let d = 0; d <= maxFlips && d < prefix.length; d++) least[d] = prefix[d]!;
    return least;
  }
  const bands = model.rule === 'band-median' ? model.bands : 1;
  const size = c.length / bands;
  least[0] = 0;
  let total = least;
  for (let b = 0; b < bands; b++) {
    const band = leastMedianChanges(
      c.subarray(b * size, (b + 1) * size),
      t0[b * size]!,
      Math.min(maxFlips, size),
      slack,
    );
    const next = new Float64Array(maxFlips + 1).fill(Infinity);
    for (let d = 0; d <= maxFlips; d++)
      for (let e = 0; e < band.length && d + e <= maxFlips; e++)
        next[d + e] = Math.min(next[d + e]!, total[d]! + band[e]!);
    total = next;
  }
  return total;
}

/** A constraint of the least-change problem: aᵀ·ΔC ≥ b, with u = Q⁻¹·a. */
interface Constraint {
  readonly a: Float64Array;
  readonly u: Float64Array;
  readonly b: number;
}

/**
 * min ΔCᵀ·Q·ΔC subject to the constraints (Q⁻¹ given), by coordinate ascent on the dual (Hildreth): the change
 * ΔC = Σ λ_i u_i and its energy λᵀ·M·λ (M = A·Q⁻¹·Aᵀ). The problems are small (at most τ + 1 constraints).
 */
function leastSquaresChange(size: number, cs: readonly Constraint[]): { change: Float64Array; energy: number } {
  const s = cs.length;
  const m = new Float64Array(s * s);
  for (let i = 0; i < s; i++)
    for (let j = 0; j < s; j++) {
      let v = 0;
      const a = cs[i]!.a;
      const u = cs[j]!.u;
      for (let k = 0; k < size; k++) v += a[k]! * u[k]!;
      m[i * s + j] = v;
    }
  const lambda = new Float64Array(s);
  const tolerance = 1e-9 * Math.max(1, ...cs.map((c) => c.b));
  for (let sweep = 0; sweep < 5000; sweep++) {
    let moved = 0;
    for (let i = 0; i < s; i++) {
      let ad = 0;
      for (let j = 0; j < s; j++) ad += m[i * s + j]! * lambda[j]!;
      const next = Math.max(0, lambda[i]! + (cs[i]!.b - ad) / m[i * s + i]!);
      moved = Math.max(moved, Math.abs(next - lambda[i]!) * m[i * s + i]!);
      lambda[i] = next;
    }
    if (moved <= tolerance) break;
  }
  const change = new Float64Array(size);
  let energy = 0;
  for (let i = 0; i < s; i++) {
    for (let k = 0; k < size; k++) change[k] = change[k]! + lambda[i]! * cs[i]!.u[k]!;
    for (let j = 0; j < s; j++) energy += lambda[i]! * m[i * s + j]! * lambda[j]!;
  }
  return { change, energy };
}

/** Q⁻¹ = Gy ⊗ Gx for row-major coefficients: the Gram matrix of the coefficient rows over the pixels. */
function kroneckerGram(gy: Float64Array, gx: Float64Array, m: number, n: number): Float64Array {
  const size = m * n;
  const out = new Float64Array(size * size);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < m; k++)
        for (let l = 0; l < n; l++) out[(i * n + j) * size + k * n + l] = gy[i * m + k]! * gx[j * n + l]!;
  return out;
}

/**
 * The least change of the coefficients C of `model` that flips `flips` bits (each pushed `margin` past its
 * threshold), bits chosen greedily (each step adds the bit whose constraint the current change is furthest from
 * meeting, per unit of energy; under a median rule in pairs, one up and one down in one band, so that the median
 * stays) and the change for them solved exactly, with its energy ΔCᵀ·Q·ΔC (the least ‖ΔY‖² with Ry·ΔY·Rxᵀ = ΔC).
 */
export function leastEvasionChange(
  model: LinearHashModel,
  c: Float64Array,
  flips: number,
  margin: number,
  grams: AxisGrams = axisGrams(model),
): { change: Float64Array; energy: number; met: boolean } {
  const qinv = kroneckerGram(grams.gy, grams.gx, model.m, model.n);
  const size = c.length;
  const t = thresholds(model, c);
  const mean = model.rule === 'mean';
  const constraint = (k: number): Constraint => {
    const sign = c[k]! > t[k]! ? -1 : 1;
    const a = new Float64Array(size);
    if (mean) a.fill(-sign / size);
    a[k] = a[k]! + sign;
    const u = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      let v = 0;
      for (let j = 0; j < size; j++) v += qinv[i * size + j]! * a[j]!;
      u[i] = v;
    }
    return { a, u, b: Math.abs(c[k]! - t[k]!) + margin };
  };
  const all = Array.from({ length: size }, (_, k) => constraint(k));
  const dot = (x: Float64Array, y: Float64Array): number => x.reduce((s, v, i) => s + v * y[i]!, 0);
  const norms = all.map((k) => dot(k.a, k.u));
  // Under a median the bits of each band (one band but blockhash's) flip in pairs, one up and one down, so that its
  // median stays between them; under a mean or zero one at a time.
  const bands = model.rule === 'band-median' ? model.bands : model.rule === 'median' ? 1 : 0;
  const bandOf = (k: number): number => (bands > 0 ? Math.floor((k * bands) / size) : 0);
  const pushUp = (k: number): boolean => c[k]! <= t[k]!;
  const want = bands > 0 ? Math.min(size, 2 * Math.ceil(flips / 2)) : Math.min(flips, size);
  const chosen: number[] = [];
  let solved: { change: Float64Array; energy: number } = { change: new Float64Array(size), energy: 0 };
  /** The cheapest bit not yet chosen in band `band` pushed the given way (any way when undefined), and its cost. */
  const cheapest = (band: number, up: boolean | undefined): { k: number; cost: number } => {
    let best = { k: -1, cost: Infinity };
    for (let k = 0; k < size; k++) {
      if (chosen.includes(k) || norms[k]! <= 0 || bandOf(k) !== band || (up !== undefined && pushUp(k) !== up))
        continue;
      const short = Math.max(0, all[k]!.b - dot(all[k]!.a, solved.change));
      const cost = (short * short) / norms[k]!;
      if (cost < best.cost) best = { k, cost };
    }
    return best;
  };
  while (chosen.length < want) {
    let step: number[] = [];
    let stepCost = Infinity;
    for (let band = 0; band < Math.max(1, bands); band++) {
      const picks = bands > 0 ? [cheapest(band, true), cheapest(band, false)] : [cheapest(band, undefined)];
      const cost = picks.reduce((sum, p) => sum + p.cost, 0);
      if (picks.every((p) => p.k >= 0) && cost < stepCost) [step, stepCost] = [picks.map((p) => p.k), cost];
    }
    if (step.length === 0) break;
    chosen.push(...step);
    solved = leastSquaresChange(
      size,
      chosen.map((k) => all[k]!),
    );
  }
  // The dual ascent meets every constraint at its optimum; one it left unmet (a degenerate model) voids the figure.
  const met = chosen.every((k) => dot(all[k]!.a, solved.change) >= all[k]!.b * (1 - 1e-6) - 1e-9);
  return { ...solved, met: met && chosen.length === want && Number.isFinite(solved.energy) };
}

/** The Gram matrices of the model's rows along each axis: Gy = Ry·Ryᵀ (m × m) and Gx = Rx·Rxᵀ (n × n). */
interface AxisGrams {
  readonly gy: Float64Array;
  readonly gx: Float64Array;
}

function axisGrams(model: LinearHashModel): AxisGrams {
  return { gy: gram(model.ry, model.m, model.height), gx: gram(model.rx, model.n, model.width) };
}

/**
 * The reach of an evasion of `algo` (τ bits) on `source`, whose own upload (JPEG re-encode) has mean squared error
 * `uploadMse`: the model's figures for hashers with a linear model (aHash, dHash, pHash, PDQ over luma, blockhash over
 * R + G + B), the upload's own PSNR for every hasher.
 */
export function evasionReach(algo: string, source: RgbImage, tau: number, uploadMse: number): EvasionReach {
  const uploadPsnr = psnrFromMse(uploadMse);
  const model = linearModelFor(algo, source.width, source.height);
  if (!model) return { uploadPsnr };
  const c = coefficientsOfImage(model, source);
  // The least RGB energy for a change e of the plane is e² / ‖w‖², w the model's channel weights.
  const norm2 = model.channels.reduce((a, w) => a + w * w, 0);
  const toMse = (planeEnergy: number): number => planeEnergy / (norm2 * 3 * source.width * source.height);
  const flips = tau + 1;
  const grams = axisGrams(model);
  // Every coefficient can be moved on its own only when both Gram matrices are positive definite (an image narrower
  // or shorter than the coefficient grid, upsampled by the hash, is not).
  const invertible = positiveDefinite(grams.gy, model.m) && positiveDefinite(grams.gx, model.n);
  const least = invertible ? leastEvasionChange(model, c, flips, 0.5, grams) : undefined;
  const leastChangePsnr = least?.met ? psnrFromMse(toMse(least.energy) + uploadMse) : undefined;
  const figures = { uploadPsnr, ...(leastChangePsnr === undefined ? {} : { leastChangePsnr }) };
  const slack = slackFor(model, c);
  if (slack === undefined) return figures;
  const lambda = largestEigenvalue(grams.gy, model.m) * largestEigenvalue(grams.gx, model.n);
  const boundPsnr = psnrFromMse(toMse(leastCoefficientChanges(model, c, flips, slack)[flips]! / lambda));
  // Within the slack of τ + 1 thresholds already: the model bounds nothing.
  return Number.isFinite(boundPsnr) ? { ...figures, boundPsnr } : figures;
}
