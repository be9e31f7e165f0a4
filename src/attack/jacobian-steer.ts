// White-box forced collisions on learned hashes: the Jacobian of the model's values (the numbers that become bits)
// with respect to a smooth control grid per colour channel, estimated by forward differences through onnxruntime on a
// small proxy of the image (one batched model run per Jacobian), then Gauss–Newton steps of least change that put the
// wanted values past the threshold by a margin, tried at full size; the uploaded JPEG's exact hash decides.
import { hamming } from '../hash/hamming.js';
import type { NeuralHasher } from '../hash/neural/neural-hasher.js';
import { checkUpload, type AttackContext } from './context.js';
import { modelValues } from './evaluate.js';
import { goalHash, progress, reaches, type AttackResult } from './goal.js';
import { solveSpd } from './least-change.js';
import { viaSharp } from '../transform/sharp-io.js';
import { axisBasis, toRgb, upsample, type RgbImage } from './pixels.js';
import { psnr } from './quality.js';
import { refine } from './steer.js';

/** Control points per side and channel (3 × 16 × 16 = 768 unknowns; the model reads 64 × 64 pixels). */
const GRID = 16;
/** The Jacobian is estimated on the image downscaled to at most this many pixels per side. */
const PROXY_SIDE = 192;
/** Grey levels a control point moves for one forward difference. */
const FD_STEP = 6;
/** Largest change of a control point in one Gauss–Newton step (halved when no step size helps). */
const TRUST = 32;
/** Fractions of the Gauss–Newton step tried at full size (one batched model run). */
const LINE = [1, 0.5, 0.25] as const;
/** Margin growth after an upload misses. */
const GROWTH = 1.5;
/** Relative ridge on the Gram matrix of the kept rows. */
const RIDGE = 1e-3;
/** Probes per model run while estimating the Jacobian. */
const CHUNK = 64;

/** The source with one bilinearly upsampled control grid added per channel (θ: 3 × g × g), rounded and clipped. */
export function applyColourGrid(source: RgbImage, theta: ArrayLike<number>, g: number): RgbImage {
  const { width, height } = source;
  const ys = axisBasis(height, g);
  const xs = axisBasis(width, g);
  const n = width * height;
  const out = new Uint8ClampedArray(n * 3);
  for (let c = 0; c < 3; c++) {
    const d = upsample(
      Array.from({ length: g * g }, (_, k) => theta[c * g * g + k]!),
      ys,
      xs,
    );
    for (let i = 0; i < n; i++) out[3 * i + c] = source.data[3 * i + c]! + d[i]!;
  }
  return { width, height, channels: 3, data: new Uint8Array(out.buffer) };
}

/** The image downscaled (lanczos3) so that its longer side is at most `side`; itself when already that small. */
async function proxyOf(source: RgbImage, side: number): Promise<RgbImage> {
  const scale = side / Math.max(source.width, source.height);
  if (scale >= 1) return source;
  const w = Math.max(1, Math.round(source.width * scale));
  const h = Math.max(1, Math.round(source.height * scale));
  return toRgb(await viaSharp(source, (p) => p.resize(w, h, { fit: 'fill', kernel: 'lanczos3' })));
}

/** The median of the absolute values (1 for none). */
export function medianAbs(values: ArrayLike<number>): number {
  const s = Float64Array.from(values, Math.abs).sort();
  return s[s.length >> 1] ?? 1;
}

/** Least-norm Δ with (J_k · Δ) = r_k for the kept rows k (J: nbits × dims, row-major), with a small ridge. */
function leastNormStep(jac: Float64Array, dims: number, keep: readonly number[], r: readonly number[]): Float64Array {
  const s = keep.length;
  const gram = new Float64Array(s * s);
  let trace = 0;
  for (let a = 0; a < s; a++) {
    const ra = keep[a]! * dims;
    for (let b = 0; b <= a; b++) {
      const rb = keep[b]! * dims;
      let v = 0;
      for (let j = 0; j < dims; j++) v += jac[ra + j]! * jac[rb + j]!;
      gram[a * s + b] = gram[b * s + a] = v;
    }
    trace += gram[a * s + a]!;
  }
  const ridge = (RIDGE * trace) / Math.max(s, 1);
  for (let a = 0; a < s; a++) gram[a * s + a] = gram[a * s + a]! + ridge;
  const z = solveSpd(gram, Float64Array.from(r));
  const step = new Float64Array(dims);
  for (let a = 0; a < s; a++) {
    const ra = keep[a]! * dims;
    for (let j = 0; j < dims; j++) step[j] = step[j]! + z[a]! * jac[ra + j]!;
  }
  return step;
}

export async function jacobianSteer(ctx: AttackContext, hasher: NeuralHasher): Promise<AttackResult> {
  const { source, oracle, goal, limits } = ctx;
  const model = modelValues(oracle, hasher, goal);
  const { nbits: n, want, threshold } = model;
  const ref = goalHash(goal);
  const proxy = await proxyOf(source, PROXY_SIDE);
  const dims = 3 * GRID * GRID;
  // As for the linear hashes: collisions may leave the most expensive bits wrong, keeping about one bit in 32 (at
  // least two) in hand for the bits the JPEG re-encode flips.
  const allowWrong = goal.kind === 'collide' ? Math.max(0, goal.maxDistance - Math.max(2, Math.round(n / 32))) : 0;
  const build = (theta: Float64Array): RgbImage => applyColourGrid(source, theta, GRID);
  let theta = new Float64Array(dims);
  let lastFail: Float64Array;
  let jac: Float64Array | undefined;
  let v0 = new Float64Array(n);
  let mu: number | undefined;
  let trust = TRUST;
  let margin = 0;
  let distance = n + 1;
  let bestDistance = goal.kind === 'evade' ? 0 : n;
  while (oracle.remaining >= (jac ? 0 : dims + 1) + LINE.length) {
    if (!jac) {
      // Forward differences on the proxy: the base point, then each control point moved by FD_STEP.
      const values = new Float64Array((dims + 1) * n);
      for (let start = 0; start <= dims; start += CHUNK) {
        const probes: RgbImage[] = [];
        for (let p = start; p < Math.min(dims + 1, start + CHUNK); p++) {
          const t = theta.slice();
          if (p > 0) t[p - 1] = t[p - 1]! + FD_STEP;
          probes.push(applyColourGrid(proxy, t, GRID));
        }
        values.set(Array.from(await model.values(probes)).slice(0, probes.length * n), start * n);
      }
      v0 = values.slice(0, n);
      jac = new Float64Array(n * dims);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < dims; j++) jac[i * dims + j] = (values[(j + 1) * n + i]! - v0[i]!) / FD_STEP;
    }
    const a = Array.from(v0, (v, i) => want[i]! * (v - threshold));
    mu ??= 0.25 * medianAbs(a);
    const need = a
      .map((m, i) => ({ i, m }))
      .filter((e) => e.m < mu!)
      .sort((p, q) => p.m - q.m);
    const wrong = need.filter((e) => e.m < 0).length;
    const keep = need.slice(Math.min(allowWrong, wrong));
    const rows = keep.map((e) => e.i);
    // Rows signed by the wanted side: want_i · J_i · Δ = μ − a_i.
    const signed = jac.map((v, k) => want[Math.floor(k / dims)]! * v);
    let step = leastNormStep(
      signed,
      dims,
      rows,
      keep.map((e) => mu! - e.m),
    );
    const largest = step.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    if (largest > trust) step = step.map((x) => (x * trust) / largest);
    const tries = LINE.map((t) => theta.map((v, j) => v + t * step[j]!));
    const images = tries.map(build);
    const values = await model.values(images);
    let best = 0;
    let bestD = n + 1;
    for (let c = 0; c < tries.length; c++) {
      const d = hamming(model.hashOf(values, c), ref);
      if (progress(goal, d) > progress(goal, bestD) || bestD === n + 1) {
        bestD = d;
        best = c;
      }
    }
    if (progress(goal, bestD) > progress(goal, bestDistance)) bestDistance = bestD;
    if (distance <= n && progress(goal, bestD) < progress(goal, distance) && trust > 1) {
      // No step size helps at this point: keep it (and its Jacobian) and try a smaller trust region.
      trust /= 2;
      continue;
    }
    lastFail = theta;
    theta = tries[best]!;
    distance = bestD;
    jac = undefined;
    const candidate = images[best]!;
    if (limits.minPsnr > 0 && psnr(source, candidate) < limits.minPsnr)
      return { status: 'failure', reason: 'distortion', queries: oracle.queries, bestDistance };
    if (!reaches(goal, bestD, margin) || oracle.remaining < 1) continue;
    const verdict = await checkUpload(ctx, candidate);
    if ('result' in verdict) return refine(ctx, build, lastFail, theta, verdict.result);
    if (verdict.miss === 'distortion')
      return { status: 'failure', reason: 'distortion', queries: oracle.queries, bestDistance };
    margin++;
    mu *= GROWTH;
  }
  return { status: 'failure', reason: 'budget', queries: oracle.queries, bestDistance };
}
