// The candidate builder's two passes on the WebAssembly kernel src/util/wasm/candidate.as.ts: the source stays in
// the kernel's memory between candidates (copied again only when another source used the kernel meanwhile), the
// pattern or field goes in, the 8-bit candidate comes out. work-image.ts's JavaScript passes are its oracle and the
// fallback when the kernel is not built or SCANLAB_NO_WASM=1.
import type { AxisBasis, ChannelGains, RgbImage } from './pixels.js';
import {
  pdqPlaneBytes,
  pdqStageBytes,
  pdqStagesOfLuma,
  type PdqStageKernel,
  type PdqStages,
} from '../hash/pdq/kernel.js';
import { PDQ_LUMA_WEIGHTS } from '../hash/pdq/luma.js';
import { align16, placedBytes, placeViews, wasmKernel } from '../util/wasm.js';

interface Kernel extends PdqStageKernel {
  applyPattern(src: number, out: number, width: number, height: number, args: number, d: number): number;
  applyField(
    src: number,
    out: number,
    width: number,
    height: number,
    field: number,
    trials: number,
    amps: number,
    cys: number,
    cxs: number,
    scale: number,
    gr: number,
    gg: number,
    gb: number,
    bound: number,
    d: number,
  ): number;
  patternLuma(
    src: number,
    width: number,
    height: number,
    args: number,
    lim: number,
    wr: number,
    wg: number,
    wb: number,
    grey: number,
    luma: number,
    colour: number,
  ): number;
}

/** How the source is added to: the channel gains and the bound on |d| (Infinity for none). */
export interface Mix {
  readonly gains: ChannelGains;
  readonly bound: number;
}

/** One separable term for `applyField`: amplitude, profile down the rows (height) and along a row (width). */
export interface TermProfiles {
  readonly a: number;
  readonly cy: Float32Array;
  readonly cx: Float32Array;
}

/** The source whose pixels the kernel's memory holds now (one kernel instance per thread, one resident source). */
let resident: { readonly source: RgbImage; readonly buffer: ArrayBuffer; readonly base: number } | undefined;

/**
 * The kernel with room for `source`, its copy of the source (made when not resident) and `extra` bytes after the
 * output: null when the kernel is not built, is turned off, memory cannot hold it all, or the bound is NaN.
 */
function prepare(
  source: RgbImage,
  mix: Mix,
  extra: number,
): { kernel: Kernel; memory: ArrayBuffer; src: number; out: number; free: number } | null {
  // The kernel's clamp is Math.min/Math.max's for every bound but NaN (which the JavaScript passes spread to d).
  if (Number.isNaN(mix.bound)) return null;
  const kernel = wasmKernel<Kernel>('candidate');
  if (kernel === null) return null;
  const bytes = source.data.length;
  // The pixel pass reads up to four bytes past a row's last group of four: the source is followed by spare bytes.
  const outAt = align16(bytes + 16);
  const total = outAt + align16(bytes) + extra;
  if (total > 2 ** 31) return null;
  const base = kernel.reserve(total);
  if (base === 0) return null;
  const memory = kernel.memory.buffer;
  if (resident?.source !== source || resident.buffer !== memory || resident.base !== base) {
    new Uint8Array(memory, base, bytes).set(source.data);
    resident = { source, buffer: memory, base };
  }
  return { kernel, memory, src: base, out: base + outAt, free: base + outAt + align16(bytes) };
}

/**
 * `applyPattern` of work-image.ts on the kernel: the squared error, with the candidate written to `out`; null when
 * the kernel cannot run it (the caller then runs its JavaScript pass).
 */
export function kernelApplyPattern(
  source: RgbImage,
  theta: Float64Array,
  stride: number,
  ys: AxisBasis,
  xs: AxisBasis,
  scale: number,
  mix: Mix,
  out: Uint8Array,
): number | null {
  const placed = placePattern(source, { theta, stride, ys, xs, scale }, mix, 0, 0);
  if (placed === null) return null;
  const { kernel, memory, src } = placed.at;
  const sse = kernel.applyPattern(src, placed.at.out, source.width, source.height, placed.args, placed.scratch);
  out.set(new Uint8Array(memory, placed.at.out, source.data.length));
  return sse;
}

/** A control-grid pattern at a scale: θ (rows `stride` apart) upsampled bilinearly along the axes. */
interface ScaledPattern {
  readonly theta: Float64Array;
  readonly stride: number;
  readonly ys: AxisBasis;
  readonly xs: AxisBasis;
  readonly scale: number;
}

/**
 * The kernel ready for a pattern: the source resident, `before` bytes reserved after the output, then the pattern's
 * arrays and its argument block (as candidate.as.ts reads it), its pairs, a row of f64 and `rows` more bytes of
 * scratch; null when the kernel cannot run.
 */
function placePattern(
  source: RgbImage,
  p: ScaledPattern,
  mix: Mix,
  before: number,
  rows: number,
): { at: NonNullable<ReturnType<typeof prepare>>; args: number; scratch: number } | null {
  const parts = [p.theta, p.ys.lo, p.ys.w, p.xs.lo, p.xs.w];
  const partBytes = placedBytes(parts) + 16 * 8;
  const pairBytes = align16((p.xs.grid + 1) * 16);
  const at = prepare(source, mix, before + partBytes + pairBytes + align16(source.width * 8) + rows);
  if (at === null) return null;
  const start = at.free + before;
  const [thetaAt, yLo, yW, xLo, xW] = placeViews(at.memory, start, parts);
  const args = start + placedBytes(parts);
  const pairs = args + 16 * 8;
  const scratch = pairs + pairBytes;
  const [gr, gg, gb] = mix.gains;
  new Float64Array(at.memory, args, 15).set([
    p.scale,
    gr,
    gg,
    gb,
    mix.bound,
    thetaAt!,
    p.stride,
    p.ys.grid,
    yLo!,
    yW!,
    p.xs.grid,
    xLo!,
    xW!,
    pairs,
    scratch + align16(source.width * 8),
  ]);
  return { at, args, scratch };
}

/** `apply` of work-image.ts on field + the terms, on the kernel: as `kernelApplyPattern`. */
export function kernelApplyField(
  source: RgbImage,
  field: Float32Array,
  terms: readonly TermProfiles[],
  scale: number,
  mix: Mix,
  out: Uint8Array,
): number | null {
  const { width, height } = source;
  const amps = Float64Array.from(terms, (t) => t.a);
  const cys = new Float32Array(terms.length * height);
  const cxs = new Float32Array(terms.length * width);
  terms.forEach((t, i) => {
    cys.set(t.cy, i * height);
    cxs.set(t.cx, i * width);
  });
  const parts = [field, amps, cys, cxs];
  const partBytes = placedBytes(parts);
  const at = prepare(source, mix, partBytes + align16(width * 8));
  if (at === null) return null;
  const { kernel, memory, src } = at;
  const [fieldAt, ampsAt, cysAt, cxsAt] = placeViews(memory, at.free, parts);
  const [gr, gg, gb] = mix.gains;
  const sse = kernel.applyField(
    src,
    at.out,
    width,
    height,
    fieldAt!,
    terms.length,
    ampsAt!,
    cysAt!,
    cxsAt!,
    scale,
    gr,
    gg,
    gb,
    mix.bound,
    at.free + partBytes,
  );
  out.set(new Uint8Array(memory, at.out, source.data.length));
  return sse;
}

/** Where the fused pass leaves a source's luminance plane, and the PDQ stages' scratch after it. */
function lumaLayout(source: RgbImage): { luma: number; stages: number; colour: number; parts: number } {
  const plane = pdqPlaneBytes(source.height, source.width);
  const stages = align16(pdqStageBytes(source.height, source.width));
  return { luma: 0, stages: plane, colour: plane + stages, parts: plane + stages + 16 };
}

/** Largest |gain · d| the fused pass takes in f32 (far beyond any candidate within a distortion limit). */
const FUSED_MAX = 2 ** 18;

/**
 * `kernelApplyPattern` fused with PDQ's luminance: the candidate's float luma plane, as PDQ reads it from the
 * candidate's pixels (grey values when `grey`, which the caller may say only when every pixel comes out grey: a
 * grey source and equal gains), is left in the kernel's memory for `kernelPdqStages`; its pixels are never
 * written. Returns the squared error (as `kernelApplyPattern`) and whether some pixel is not grey, or null when the
 * kernel cannot run it. `maxAbs` bounds |θ| (the pattern's largest value in magnitude).
 */
export function kernelPatternLuma(
  source: RgbImage,
  theta: Float64Array,
  maxAbs: number,
  stride: number,
  ys: AxisBasis,
  xs: AxisBasis,
  scale: number,
  mix: Mix,
  grey: boolean,
): { sse: number; colour: boolean } | null {
  const [gr, gg, gb] = mix.gains;
  // |d| <= scale · max |θ| (the upsampling is convex); the f32 sample is within 2^-19 |g| scale max |θ| of the f64 one.
  const reach = Math.max(Math.abs(gr), Math.abs(gg), Math.abs(gb)) * Math.abs(scale) * maxAbs;
  if (!(reach < FUSED_MAX)) return null;
  const lim = Math.fround(0.5 - (reach * 2 ** -18 + 2 ** -20) - 2 ** -24);
  const layout = lumaLayout(source);
  // The grid rows upsampled along x and their steps down the grid (f32, rows of padded(width)).
  const rows = 2 * ys.grid * ((source.width + 15) & ~15) * 4;
  const placed = placePattern(source, { theta, stride, ys, xs, scale }, mix, layout.parts, rows);
  if (placed === null) return null;
  const { kernel, memory, src } = placed.at;
  const [wr, wg, wb] = PDQ_LUMA_WEIGHTS;
  const colour = placed.at.free + layout.colour;
  const sse = kernel.patternLuma(
    src,
    source.width,
    source.height,
    placed.args,
    lim,
    wr,
    wg,
    wb,
    grey ? 1 : 0,
    placed.at.free + layout.luma,
    colour,
  );
  return { sse, colour: new Int32Array(memory, colour, 1)[0] !== 0 };
}

/** PDQ's stages of the luminance plane the last `kernelPatternLuma` of this source left; null when none can run. */
export function kernelPdqStages(source: RgbImage, mix: Mix): PdqStages | null {
  const layout = lumaLayout(source);
  const at = prepare(source, mix, layout.parts);
  if (at === null) return null;
  return pdqStagesOfLuma(at.kernel, at.free + layout.luma, source.height, source.width, at.free + layout.stages);
}
