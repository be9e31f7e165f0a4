// The image a query-based attack searches on: the source shrunk once to a working size, and a fused builder that
// turns a smooth perturbation (a control grid, bilinearly upsampled) into 8-bit candidates in reused buffers.
import sharp from 'sharp';
import type { ChannelGains, RgbImage } from './pixels.js';
import {
  kernelApplyField,
  kernelApplyPattern,
  kernelPatternLuma,
  kernelPdqStages,
  type Mix,
} from './candidate-kernel.js';
import type { PdqStages } from '../hash/pdq/kernel.js';
import { PDQ_DOWNSAMPLE_DIM } from '../hash/pdq/jarosz.js';
import { matMul } from './linear-model.js';
import { axisBasis, perturbationBound, type AxisBasis } from './pixels.js';

/** The source at working size. */
export interface WorkImage {
  readonly image: RgbImage;
  /** Working side over source side (1 when the source is small enough already). */
  readonly scale: number;
}

/** The source itself when neither side is over `maxSide`, else its Lanczos-3 shrink to fit (aspect kept). */
export async function workImage(source: RgbImage, maxSide: number): Promise<WorkImage> {
  const side = Math.max(source.width, source.height);
  if (side <= maxSide) return { image: source, scale: 1 };
  const scale = maxSide / side;
  const width = Math.max(1, Math.round(source.width * scale));
  const height = Math.max(1, Math.round(source.height * scale));
  const data = await sharp(source.data, { raw: { width: source.width, height: source.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return { image: { width, height, channels: 3, data: new Uint8Array(data) }, scale };
}

/** Writes source + gains · d at sample s, rounded and clipped to 8 bits; returns the squared error of the three. */
function put(src: Uint8Array, out: Uint8Array, s: number, d: number, gr: number, gg: number, gb: number): number {
  const r = src[s]!;
  const g = src[s + 1]!;
  const b = src[s + 2]!;
  const vr = r + gr * d;
  const vg = g + gg * d;
  const vb = b + gb * d;
  const qr = vr <= 0 ? 0 : vr >= 255 ? 255 : (vr + 0.5) | 0;
  const qg = vg <= 0 ? 0 : vg >= 255 ? 255 : (vg + 0.5) | 0;
  const qb = vb <= 0 ? 0 : vb >= 255 ? 255 : (vb + 0.5) | 0;
  out[s] = qr;
  out[s + 1] = qg;
  out[s + 2] = qb;
  return (qr - r) * (qr - r) + (qg - g) * (qg - g) + (qb - b) * (qb - b);
}

/** A control grid of gy × gx values (row-major), upsampled bilinearly over the whole image. */
export interface Pattern {
  readonly gy: number;
  readonly gx: number;
  readonly theta: Float64Array;
}

/**
 * Builds candidates `round(clip(source + gains · s · upsample(θ)))` for one source: the upsampled pattern is made
 * once per call into a reused float buffer, its energy measured, and the scale `s` chosen so that the candidate's
 * mean squared error (all RGB samples, after clipping) is the one asked for; pixels that clip at black or white
 * lose energy, which one rescaling pass gives back.
 */
export class CandidateBuilder {
  readonly #source: RgbImage;
  readonly #gains: ChannelGains;
  readonly #bound: number;
  readonly #mix: Mix;
  /** The JavaScript passes' float field (made on first use: the kernel needs none). */
  #fieldBuffer: Float32Array | undefined;
  readonly #bases = new Map<string, AxisBasis>();
  readonly #row = new Float64Array(65);
  readonly #grams = new Map<AxisBasis, Float64Array>();

  constructor(source: RgbImage, gains: ChannelGains, maxLinf?: number) {
    this.#source = source;
    this.#gains = gains;
    this.#bound = perturbationBound(maxLinf, gains);
    this.#mix = { gains, bound: this.#bound };
  }

  get #field(): Float32Array {
    this.#fieldBuffer ??= new Float32Array(this.#source.width * this.#source.height);
    return this.#fieldBuffer;
  }

  get source(): RgbImage {
    return this.#source;
  }

  #basis(n: number, axis: 'y' | 'x'): AxisBasis {
    const key = `${axis}${n}`;
    let b = this.#bases.get(key);
    if (!b) {
      const size = axis === 'y' ? this.#source.height : this.#source.width;
      b = axisBasis(size, Math.min(n, size));
      this.#bases.set(key, b);
    }
    return b;
  }

  /** Gram matrix of an axis's hat functions, G[i][k] = Σ_p hat_i(p) · hat_k(p) (cached with the basis). */
  #gram(basis: AxisBasis): Float64Array {
    let g = this.#grams.get(basis);
    if (!g) {
      const n = basis.grid;
      g = new Float64Array(n * n);
      for (let p = 0; p < basis.size; p++) {
        const lo = basis.lo[p]!;
        const hi = n === 1 ? lo : lo + 1;
        const w = basis.w[p]!;
        g[lo * n + lo] = g[lo * n + lo]! + (1 - w) * (1 - w);
        g[hi * n + hi] = g[hi * n + hi]! + w * w;
        g[lo * n + hi] = g[lo * n + hi]! + (1 - w) * w;
        g[hi * n + lo] = g[hi * n + lo]! + (1 - w) * w;
      }
      // A one-point axis: lo = hi, and the four terms above sum to 1 per pixel as they should.
      this.#grams.set(basis, g);
    }
    return g;
  }

  /** Σ over pixels of the upsampled pattern's square, from the grid alone: Σ Gy[i,k] · (Θ Gx Θᵀ)[i,k]. */
  #energy(p: Pattern, ys: AxisBasis, xs: AxisBasis): number {
    const gy = ys.grid;
    const gx = xs.grid;
    const Gy = this.#gram(ys);
    const Gx = this.#gram(xs);
    // The points the image uses (a pattern drawn for more points than the image has keeps its first ones).
    const t = new Float64Array(gy * gx);
    for (let i = 0; i < gy; i++) t.set(p.theta.subarray(i * p.gx, i * p.gx + gx), i * gx);
    const b = matMul(t, gy, gx, Gx, gx);
    let e = 0;
    for (let i = 0; i < gy; i++)
      for (let k = 0; k < gy; k++) {
        const gik = Gy[i * gy + k]!;
        if (gik === 0) continue;
        let v = 0;
        for (let l = 0; l < gx; l++) v += b[i * gx + l]! * t[k * gx + l]!;
        e += gik * v;
      }
    return e;
  }

  /**
   * One fused pass: the pattern upsampled pixel by pixel (never stored), scaled, bounded, added to the source with
   * the channel gains, rounded and clipped into `out`; returns the squared error over all samples.
   */
  #applyPattern(p: Pattern, ys: AxisBasis, xs: AxisBasis, scale: number, out: Uint8Array): number {
    const fast = kernelApplyPattern(this.#source, p.theta, p.gx, ys, xs, scale, this.#mix, out);
    if (fast !== null) return fast;
    const { width, height } = this.#source;
    const src = this.#source.data;
    const gx = xs.grid;
    const row = this.#row.length >= gx + 1 ? this.#row : new Float64Array(gx + 1);
    const theta = p.theta;
    const stride = p.gx;
    const [gr, gg, gb] = this.#gains;
    const bound = this.#bound;
    const xlo = xs.lo;
    const xw = xs.w;
    let sse = 0;
    for (let y = 0, s = 0; y < height; y++) {
      const a = ys.lo[y]!;
      const b = ys.grid === 1 ? a : a + 1;
      const wy = ys.w[y]!;
      for (let k = 0; k < gx; k++) row[k] = scale * ((1 - wy) * theta[a * stride + k]! + wy * theta[b * stride + k]!);
      // A one-point axis interpolates between the point and itself.
      row[gx] = row[gx - 1]!;
      for (let x = 0; x < width; x++, s += 3) {
        const l = xlo[x]!;
        const r0 = row[l]!;
        const d = Math.max(-bound, Math.min(bound, r0 + xw[x]! * (row[l + 1]! - r0)));
        sse += put(src, out, s, d, gr, gg, gb);
      }
    }
    return sse;
  }

  /** Applies scale · field to the source into `out`, rounded and clipped to 8 bits, returning the squared error. */
  #apply(scale: number, out: Uint8Array): number {
    const src = this.#source.data;
    const f = this.#field;
    const n = f.length;
    const [gr, gg, gb] = this.#gains;
    const bound = this.#bound;
    let sse = 0;
    for (let i = 0, s = 0; i < n; i++, s += 3) {
      const d = Math.max(-bound, Math.min(bound, f[i]! * scale));
      sse += put(src, out, s, d, gr, gg, gb);
    }
    return sse;
  }

  /**
   * The candidate source + gains · (field + trials), with no rescaling (the field's amplitude is what the caller chose),
   * written into `buffer`; returns it with its mean squared error over all samples.
   */
  buildField(
    field: SeparableField,
    trials: readonly SeparableTerm[],
    buffer?: Uint8Array,
  ): { image: RgbImage; mse: number } {
    const { width, height } = this.#source;
    const n = width * height;
    const data = buffer ?? new Uint8Array(n * 3);
    const terms = trials.map((t) => ({ a: t.a, cy: field.axis(t, 'y'), cx: field.axis(t, 'x') }));
    let sse = kernelApplyField(this.#source, field.field, terms, 1, this.#mix, data);
    if (sse === null) {
      const f = this.#field;
      f.set(field.field);
      for (const t of trials) field.addTo(f, t);
      sse = this.#apply(1, data);
    }
    return { image: { width, height, channels: 3, data }, mse: sse / (n * 3) };
  }

  /**
   * The scale at which pattern `p` costs mean squared error `mse` (over all RGB samples) and the squared error there,
   * `apply` making the candidate at a scale and returning its squared error: the energy's scale, then once more
   * scaled up by what clipping took away.
   */
  #atMse(
    p: Pattern,
    mse: number,
    apply: (ys: AxisBasis, xs: AxisBasis, scale: number) => number,
  ): { ys: AxisBasis; xs: AxisBasis; scale: number; sse: number } {
    const n = this.#source.width * this.#source.height;
    const ys = this.#basis(p.gy, 'y');
    const xs = this.#basis(p.gx, 'x');
    const energy = this.#energy(p, ys, xs);
    const gain2 = (this.#gains[0] ** 2 + this.#gains[1] ** 2 + this.#gains[2] ** 2) / 3;
    let scale = energy <= 0 ? 0 : Math.sqrt((mse * n) / (energy * gain2));
    let sse = apply(ys, xs, scale);
    const want = mse * n * 3;
    // Clipping (and an L∞ bound) take energy away: scale up once by what was lost, at most 4×.
    if (sse > 0 && sse < 0.9 * want) {
      scale *= Math.min(4, Math.sqrt(want / sse));
      sse = apply(ys, xs, scale);
    }
    return { ys, xs, scale, sse };
  }

  /**
   * The candidate for pattern `p` at mean squared error `mse` (over all RGB samples), written into `buffer` (a fresh
   * one when absent); a new image object every call, so caches keyed by image never see stale pixels.
   */
  build(p: Pattern, mse: number, buffer?: Uint8Array): { image: RgbImage; mse: number; scale: number } {
    const { width, height } = this.#source;
    const data = buffer ?? new Uint8Array(width * height * 3);
    const { scale, sse } = this.#atMse(p, mse, (ys, xs, s) => this.#applyPattern(p, ys, xs, s, data));
    return { image: { width, height, channels: 3, data }, mse: sse / (width * height * 3), scale };
  }

  /** Every pixel of the source is grey (R = G = B); computed once. */
  #greySource: boolean | undefined;

  get #isGrey(): boolean {
    if (this.#greySource === undefined) {
      const d = this.#source.data;
      let grey = true;
      for (let i = 0; grey && i < d.length; i += 3) grey = d[i] === d[i + 1] && d[i] === d[i + 2];
      this.#greySource = grey;
    }
    return this.#greySource;
  }

  /**
   * PDQ's stages (64×64 downsample, DCT, quality) of the candidate `build(p, mse)` makes, from a pass fused with
   * PDQ's luminance on the builder's kernel (the candidate's pixels are never written): bit-identical to
   * `pdqHashImage` of the built candidate. Null where the fused pass does not run (no kernel, a size PDQ resizes or
   * takes as is, a pattern out of its range): the caller then builds and hashes.
   */
  pdqStages(p: Pattern, mse: number): PdqStages | null {
    const { width, height } = this.#source;
    const n = PDQ_DOWNSAMPLE_DIM;
    if (width > 512 || height > 512 || width < 5 || height < 5 || (width === n && height === n)) return null;
    const [gr, gg, gb] = this.#gains;
    // Equal gains keep a grey source's candidates grey: PDQ then hashes their grey values.
    const grey = gr === gg && gg === gb && this.#isGrey;
    const maxAbs = p.theta.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    let result: { sse: number; colour: boolean } | null = null;
    const luma = (ys: AxisBasis, xs: AxisBasis, scale: number, asGrey: boolean): number => {
      result = kernelPatternLuma(this.#source, p.theta, maxAbs, p.gx, ys, xs, scale, this.#mix, asGrey);
      return result?.sse ?? 0;
    };
    const { ys, xs, scale } = this.#atMse(p, mse, (y, x, s) => luma(y, x, s, grey));
    const last = result as { sse: number; colour: boolean } | null;
    if (last === null) return null;
    // A candidate that came out grey everywhere is hashed from its grey values.
    if (!grey && !last.colour) luma(ys, xs, scale, true);
    return kernelPdqStages(this.#source, this.#mix);
  }
}

/**
 * One separable term of a perturbation: a cosine pattern cos(π·u·(y + ½)/H) · cos(π·v·(x + ½)/W), the bilinear
 * tent of control point (u, v) of a g × g grid (its hat function along each axis), or the flat block (u, v) of a
 * g × g partition (1 on the block, 0 elsewhere), at amplitude a.
 */
export interface SeparableTerm {
  readonly basis: 'cosine' | 'tent' | 'block';
  /** Grid points (tents) or blocks (blocks) per side. */
  readonly grid: number;
  readonly u: number;
  readonly v: number;
  readonly a: number;
}

/** A term's profile along one axis of `size` pixels. */
function profile(basis: SeparableTerm['basis'], grid: number, size: number, index: number): Float32Array {
  if (basis === 'cosine')
    return Float32Array.from({ length: size }, (_, p) => Math.cos((Math.PI * index * (p + 0.5)) / size));
  if (basis === 'block') {
    const g = Math.min(grid, size);
    return Float32Array.from({ length: size }, (_, p) => (Math.floor(((p + 0.5) * g) / size) === index ? 1 : 0));
  }
  const b = axisBasis(size, Math.min(grid, size));
  const out = new Float32Array(size);
  for (let p = 0; p < size; p++) {
    const lo = b.lo[p]!;
    if (lo === index) out[p] = 1 - b.w[p]!;
    else if (lo + 1 === index) out[p] = b.w[p]!;
  }
  return out;
}

/**
 * A perturbation held as a sum of separable terms, kept as its field at one size (so a trial term costs one fused
 * pass: field + trial, applied, clipped and measured without copies).
 */
export class SeparableField {
  readonly terms: SeparableTerm[] = [];
  readonly field: Float32Array;
  readonly #axes = new Map<string, Float32Array>();

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.field = new Float32Array(width * height);
  }

  axis(t: SeparableTerm, which: 'y' | 'x'): Float32Array {
    const index = which === 'y' ? t.u : t.v;
    const key = `${t.basis}${t.grid}${which}${index}`;
    let a = this.#axes.get(key);
    if (!a) {
      a = profile(t.basis, t.grid, which === 'y' ? this.height : this.width, index);
      this.#axes.set(key, a);
    }
    return a;
  }

  /** Mean of the term's square at amplitude 1 (its energy per pixel). */
  energy(t: SeparableTerm): number {
    const meanSquare = (p: Float32Array): number => p.reduce((s, v) => s + v * v, 0) / p.length;
    return meanSquare(this.axis(t, 'y')) * meanSquare(this.axis(t, 'x'));
  }

  /** target += the term, over the whole image. */
  addTo(target: Float32Array, t: SeparableTerm): void {
    const cy = this.axis(t, 'y');
    const cx = this.axis(t, 'x');
    for (let y = 0; y < this.height; y++) {
      const k = t.a * cy[y]!;
      if (k === 0) continue;
      const o = y * this.width;
      for (let x = 0; x < this.width; x++) target[o + x] = target[o + x]! + k * cx[x]!;
    }
  }

  add(t: SeparableTerm): void {
    this.terms.push(t);
    this.addTo(this.field, t);
  }

  /** The same terms as a field at another size (the full-resolution source at the end). */
  resized(width: number, height: number): SeparableField {
    const out = new SeparableField(width, height);
    for (const t of this.terms) out.add(t);
    return out;
  }
}

/** Mean squared error between two images of one size over all samples. */
export function meanSquaredError(a: RgbImage, b: RgbImage): number {
  let s = 0;
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - y[i]!;
    s += d * d;
  }
  return s / x.length;
}
