// White-box attacks on learned hashes through their exact gradients: the model's ONNX graph evaluated in JavaScript
// (`model-gradient.ts`), projected gradient steps on the pixels the model reads (the image as the card resizes it),
// the perturbation carried to full size by bilinear interpolation at the model's pixel centres and scaled up until
// the uploaded JPEG's exact hash reaches the goal within the limits.
import { readFileSync } from 'node:fs';
import type { ModelCard } from '../hash/neural/card.js';
import type { NeuralHasher } from '../hash/neural/neural-hasher.js';
import { readOnnxGraph } from '../hash/neural/onnx-graph.js';
import { loadProjection, projectEmbeddings, type Projection } from '../hash/neural/projection.js';
import { checkUpload, type AttackContext } from './context.js';
import { modelValues } from './evaluate.js';
import { progress, type AttackResult } from './goal.js';
import { medianAbs } from './jacobian-steer.js';
import { differentiableModel, UnsupportedGraphError, type DifferentiableModel } from './model-gradient.js';
import { rmsForPsnr, type RgbImage } from './pixels.js';
import { psnr } from './quality.js';
import { PSNR_HEADROOM } from './search.js';

/** Gains tried on the full-size perturbation, in order, each one upload. */
const GAINS = [1, 1.25, 1.5, 2, 2.5, 3, 4] as const;
/** Gradient steps per round, each of this fraction of the radius. */
const STEPS = 60;
const STEP_FRACTION = 1 / 8;
/** Collisions, with their low PSNR floor, take finer steps. */
const COLLIDE_STEP_FRACTION = 1 / 32;
/** Rounds of steps; each round after a missed upload asks for this many more bits. */
const ROUNDS = 6;
const MORE_BITS = 2;
/** Bits beyond those needed that the loss works on (the cheapest ones). */
const SPARE = 3;
/** Values stop counting once this far (a fraction of their median distance to the threshold) on the wanted side. */
const CAP = 0.25;

/** How a tensor element comes from the resized pixels: `tensor[e] = pixels[source[e]] · gain[e] + bias[e]`. */
export interface TensorMap {
  readonly source: Int32Array;
  readonly gain: Float64Array;
  readonly bias: Float64Array;
}

/** The card's normalisation, layout and channel order as an affine map from resized pixels to the input tensor. */
export function tensorMap(card: ModelCard): TensorMap {
  const { channels, layout, channelOrder, height, width } = card.input;
  const { scale, mean, std } = card.normalize;
  const area = height * width;
  const source = new Int32Array(channels * area);
  const gain = new Float64Array(channels * area);
  const bias = new Float64Array(channels * area);
  for (let c = 0; c < channels; c++) {
    const from = channelOrder === 'BGR' ? channels - 1 - c : c;
    for (let i = 0; i < area; i++) {
      const e = layout === 'NCHW' ? c * area + i : i * channels + c;
      source[e] = i * channels + from;
      gain[e] = scale / std[c]!;
      bias[e] = -mean[c]! / std[c]!;
    }
  }
  return { source, gain, bias };
}

interface Differentiable {
  readonly model: DifferentiableModel;
  readonly projection: Projection | undefined;
  readonly map: TensorMap;
}

const built = new Map<string, Differentiable | UnsupportedGraphError>();

/** The card's model in differentiable form, or why it has none (an operator or resize rule this file does not handle). */
export function differentiableHash(card: ModelCard): Differentiable | UnsupportedGraphError {
  const seen = built.get(card.cardPath);
  if (seen) return seen;
  let made: Differentiable | UnsupportedGraphError;
  try {
    if (card.resize.fit !== 'fill') throw new UnsupportedGraphError(`resize fit ${card.resize.fit}`);
    const { channels, height, width, layout } = card.input;
    const dims = layout === 'NCHW' ? [1, channels, height, width] : [1, height, width, channels];
    const graph = readOnnxGraph(readFileSync(card.modelPath));
    const output = card.output.name ?? graph.outputs[0] ?? '';
    made = {
      model: differentiableModel(graph, dims, output),
      projection: card.projection ? loadProjection(card.projection) : undefined,
      map: tensorMap(card),
    };
  } catch (e) {
    if (!(e instanceof UnsupportedGraphError)) throw e;
    made = e;
  }
  built.set(card.cardPath, made);
  return made;
}

/** The values that become bits, and the gradient of Σ w · values with respect to the resized pixels. */
function evaluate(
  d: Differentiable,
  pixels: Float64Array,
): { values: Float64Array; gradient: (w: Float64Array) => Float64Array } {
  const { source, gain, bias } = d.map;
  const tensor = Float64Array.from(source, (s, e) => pixels[s]! * gain[e]! + bias[e]!);
  const run = d.model.run(tensor);
  const p = d.projection;
  const values = p ? projectEmbeddings(p, run.output, 1) : run.output;
  return {
    values,
    gradient: (w) => {
      const gt = run.gradient(p ? projectBack(p, w) : w);
      const gp = new Float64Array(pixels.length);
      for (let e = 0; e < source.length; e++) gp[source[e]!] = gp[source[e]!]! + gt[e]! * gain[e]!;
      return gp;
    },
  };
}

function projectBack(p: Projection, w: Float64Array): Float64Array {
  const out = new Float64Array(p.cols);
  for (let r = 0; r < p.rows; r++)
    for (let c = 0; c < p.cols; c++) out[c] = out[c]! + p.values[r * p.cols + c]! * w[r]!;
  return out;
}

/**
 * The model-size perturbation (gh × gw × channels, interleaved) at every pixel of a width × height image, bilinear
 * between the model's pixel centres (as a resize that fills the model's input samples them), per RGB channel.
 */
export function upsampleCentres(
  delta: Float64Array,
  gw: number,
  gh: number,
  channels: number,
  width: number,
  height: number,
): Float32Array {
  const out = new Float32Array(width * height * 3);
  const axis = (size: number, grid: number) =>
    Array.from({ length: size }, (_, i) => {
      const f = Math.min(grid - 1, Math.max(0, ((i + 0.5) * grid) / size - 0.5));
      const lo = Math.floor(f);
      return { lo, hi: Math.min(grid - 1, lo + 1), t: f - lo };
    });
  const ys = axis(height, gh);
  const xs = axis(width, gw);
  for (let y = 0; y < height; y++) {
    const { lo: y0, hi: y1, t: ty } = ys[y]!;
    for (let x = 0; x < width; x++) {
      const { lo: x0, hi: x1, t: tx } = xs[x]!;
      for (let c = 0; c < 3; c++) {
        const k = Math.min(c, channels - 1);
        const at = (yy: number, xx: number) => delta[(yy * gw + xx) * channels + k]!;
        out[(y * width + x) * 3 + c] =
          (1 - ty) * ((1 - tx) * at(y0, x0) + tx * at(y0, x1)) + ty * ((1 - tx) * at(y1, x0) + tx * at(y1, x1));
      }
    }
  }
  return out;
}

function withDelta(source: RgbImage, up: Float32Array, gain: number, maxLinf: number | undefined): RgbImage {
  const data = new Uint8Array(source.data.length);
  for (let i = 0; i < data.length; i++) {
    let d = gain * up[i]!;
    if (maxLinf !== undefined) d = Math.max(-maxLinf, Math.min(maxLinf, d));
    data[i] = Math.max(0, Math.min(255, Math.round(source.data[i]! + d)));
  }
  return { width: source.width, height: source.height, channels: 3, data };
}

/** The attack; `undefined` when the card's model has no differentiable form here (callers estimate gradients instead). */
export async function gradientSteer(ctx: AttackContext, hasher: NeuralHasher): Promise<AttackResult | undefined> {
  const d = differentiableHash(hasher.card);
  if (d instanceof UnsupportedGraphError) return undefined;
  const { source, oracle, goal, limits } = ctx;
  const { width: gw, height: gh, channels } = hasher.card.input;
  const { nbits: n, threshold, want } = modelValues(oracle, hasher, goal);
  const pixels0 = Float64Array.from(await hasher.prepare(source));
  const floor = limits.minPsnr + PSNR_HEADROOM;
  const radius = rmsForPsnr(floor) * Math.sqrt(pixels0.length);
  const needed = goal.kind === 'evade' ? goal.maxDistance + 1 : n - goal.maxDistance;
  const delta = new Float64Array(pixels0.length);
  const stepFraction = goal.kind === 'evade' ? STEP_FRACTION : COLLIDE_STEP_FRACTION;
  let extra = 0;
  let bestDistance = goal.kind === 'evade' ? 0 : n;
  let cap: number | undefined;
  for (let round = 0; round < ROUNDS && oracle.remaining > 1; round++) {
    const goalBits = Math.min(n, needed + extra);
    for (let step = 0; step < STEPS && oracle.remaining > 1; step++) {
      const x = delta.map((v, i) => Math.max(0, Math.min(255, pixels0[i]! + v)));
      oracle.charge(1);
      const run = evaluate(d, x);
      const a = Array.from(run.values, (v, i) => want[i]! * (v - threshold));
      cap ??= CAP * medianAbs(a);
      if (a.filter((v) => v > 0).length >= goalBits) break;
      const order = [...a.keys()].sort((p, q) => a[q]! - a[p]!);
      const w = new Float64Array(n);
      for (const i of order.slice(0, Math.min(n, goalBits + SPARE))) if (a[i]! < cap) w[i] = -want[i]!;
      const g = run.gradient(w);
      for (let i = 0; i < g.length; i++) if ((x[i]! <= 0 && g[i]! > 0) || (x[i]! >= 255 && g[i]! < 0)) g[i] = 0;
      const norm = l2(g);
      if (norm === 0) break;
      for (let i = 0; i < delta.length; i++) delta[i] = delta[i]! - (stepFraction * radius * g[i]!) / norm;
      const len = l2(delta);
      if (len > radius) for (let i = 0; i < delta.length; i++) delta[i] = delta[i]! * (radius / len);
    }
    const up = upsampleCentres(delta, gw, gh, channels, source.width, source.height);
    for (const gain of GAINS) {
      const candidate = withDelta(source, up, gain, limits.maxLinf);
      if (psnr(source, candidate) < floor || oracle.remaining < 1) break;
      const verdict = await checkUpload(ctx, candidate);
      if ('result' in verdict) return verdict.result;
      if (progress(goal, verdict.distance) > progress(goal, bestDistance)) bestDistance = verdict.distance;
      if (verdict.miss === 'distortion') break;
    }
    extra += MORE_BITS;
  }
  return {
    status: 'failure',
    reason: oracle.remaining > 1 ? 'distortion' : 'budget',
    queries: oracle.queries,
    bestDistance,
  };
}

function l2(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}
