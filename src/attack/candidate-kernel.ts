// The candidate builder's two passes on the WebAssembly kernel src/util/wasm/candidate.as.ts: the source stays in
// the kernel's memory between candidates (copied again only when another source used the kernel meanwhile), the
// pattern or field goes in, the 8-bit candidate comes out. work-image.ts's JavaScript passes are its oracle and the
// fallback when the kernel is not built or SCANLAB_NO_WASM=1.
import type { AxisBasis, ChannelGains, RgbImage } from './pixels.js';
import { align16, placedBytes, placeViews, wasmKernel, type ScratchKernel } from '../util/wasm.js';

interface Kernel extends ScratchKernel {
  applyPattern(
    src: number,
    out: number,
    width: number,
    height: number,
    theta: number,
    stride: number,
    yGrid: number,
    yLo: number,
    yW: number,
    xGrid: number,
    xLo: number,
    xW: number,
    scale: number,
    gr: number,
    gg: number,
    gb: number,
    bound: number,
    pairs: number,
    d: number,
  ): number;
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
  const parts = [theta, ys.lo, ys.w, xs.lo, xs.w];
  const partBytes = placedBytes(parts);
  const scratch = align16((xs.grid + 1) * 16) + align16(source.width * 8);
  const at = prepare(source, mix, partBytes + scratch);
  if (at === null) return null;
  const { kernel, memory, src } = at;
  const [thetaAt, yLo, yW, xLo, xW] = placeViews(memory, at.free, parts);
  const pairs = at.free + partBytes;
  const [gr, gg, gb] = mix.gains;
  const sse = kernel.applyPattern(
    src,
    at.out,
    source.width,
    source.height,
    thetaAt!,
    stride,
    ys.grid,
    yLo!,
    yW!,
    xs.grid,
    xLo!,
    xW!,
    scale,
    gr,
    gg,
    gb,
    mix.bound,
    pairs,
    pairs + align16((xs.grid + 1) * 16),
  );
  out.set(new Uint8Array(memory, at.out, source.data.length));
  return sse;
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
