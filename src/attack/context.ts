// What every attack method receives, and the final check they share: upload the candidate, accept it only when
// the uploaded file's exact hash reaches the goal and its distortion respects the limits.
import type { Hash } from '../hash/types.js';
import type { Prng } from '../util/prng.js';
import { distanceTo, reaches, withinLimits, type AttackGoal, type AttackLimits, type AttackResult } from './goal.js';
import type { HashOracle } from './oracle.js';
import { perturbationBound, rms, rmsForPsnr, type ChannelGains, type RgbImage } from './pixels.js';
import { distortion } from './quality.js';
import { upload } from './upload.js';

export interface AttackContext {
  readonly source: RgbImage;
  readonly oracle: HashOracle;
  readonly goal: AttackGoal;
  readonly limits: AttackLimits;
  readonly prng: Prng;
  /** How the luma perturbation is spread over R, G and B (see `gainsFor`). */
  readonly gains: ChannelGains;
}

/** Why an upload was refused: the JPEG moved the hash back, or it cost more distortion than allowed. */
export type UploadVerdict =
  | { readonly result: AttackResult & { status: 'success' } }
  | { readonly miss: 'hash' | 'distortion'; readonly distance: number; readonly hash: Hash };

/** The final check: one query on the decoded JPEG q = 90 of the candidate. */
export async function checkUpload(ctx: AttackContext, candidate: RgbImage): Promise<UploadVerdict> {
  const up = await upload(candidate, ctx.oracle);
  const distance = distanceTo(ctx.goal, up.hash);
  const d = distortion(ctx.source, up.decoded);
  if (!reaches(ctx.goal, distance)) return { miss: 'hash', distance, hash: up.hash };
  if (!withinLimits(ctx.limits, d)) return { miss: 'distortion', distance, hash: up.hash };
  return { result: { status: 'success', upload: up, distance, queries: ctx.oracle.queries, distortion: d } };
}

/**
 * The candidate for a perturbation direction at a distortion budget: scaled to the RMS of `targetPsnr`, clamped to
 * ±maxLinf, applied and clipped; when clipping at black or white leaves PSNR above the target, scaled up once more.
 */
export function candidateAt(ctx: AttackContext, delta: Float32Array, targetPsnr: number): RgbImage {
  const want = rmsForPsnr(targetPsnr);
  const r = rms(delta) * gainRms(ctx.gains);
  if (r === 0) return ctx.source;
  const first = applyScaled(ctx.source, delta, want / r, ctx.limits.maxLinf, ctx.gains);
  const got = psnrOfSse(first.sse, first.image.data.length);
  if (!Number.isFinite(got) || got <= targetPsnr + 0.2) return first.image;
  const boost = Math.min(4, Math.pow(10, (got - targetPsnr) / 20));
  return applyScaled(ctx.source, delta, (want / r) * boost, ctx.limits.maxLinf, ctx.gains).image;
}

function psnrOfSse(sse: number, samples: number): number {
  return sse === 0 ? Infinity : 10 * Math.log10((255 * 255 * samples) / sse);
}

/** source + gains · clamp(scale · delta) on the three channels (each change within ±bound), rounded and clipped, with its squared error. */
export function applyScaled(
  source: RgbImage,
  delta: Float32Array,
  scale: number,
  bound: number | undefined,
  gains: ChannelGains,
): { image: RgbImage; sse: number } {
  const n = source.width * source.height;
  const src = source.data;
  // A clamped array rounds (half to even) and clips on store, which is what applying a perturbation needs.
  const out = new Uint8ClampedArray(n * 3);
  const b = perturbationBound(bound, gains);
  const [gr, gg, gb] = gains;
  let sse = 0;
  for (let i = 0, s = 0; i < n; i++, s += 3) {
    let d = delta[i]! * scale;
    if (d > b) d = b;
    else if (d < -b) d = -b;
    const r = src[s]!;
    const g = src[s + 1]!;
    const bl = src[s + 2]!;
    out[s] = r + gr * d;
    out[s + 1] = g + gg * d;
    out[s + 2] = bl + gb * d;
    const er = out[s]! - r;
    const eg = out[s + 1]! - g;
    const eb = out[s + 2]! - bl;
    sse += er * er + eg * eg + eb * eb;
  }
  return { image: { width: source.width, height: source.height, channels: 3, data: new Uint8Array(out.buffer) }, sse };
}

/** The RGB root mean square of a unit luma change spread by these gains. */
export function gainRms(gains: ChannelGains): number {
  return Math.sqrt((gains[0] ** 2 + gains[1] ** 2 + gains[2] ** 2) / 3);
}

/** A standard normal control grid of `count` values. */
export function normalGrid(prng: Prng, count: number): Float64Array {
  const g = new Float64Array(count);
  prng.fillNormals(g);
  return g;
}
