// Black-box evasion on a working copy of the source whose hash agrees with the source's (its size found by
// queries): random search with hill climbing over smooth patterns (a few control points per side, bilinearly
// upsampled, in the colour direction that moves the hash most) at the whole distortion budget left after the JPEG
// re-encode's own error, then probed cosine, block and tent directions combined at once (reweighted by which of their
// bits moved), added one at a time each at the amplitude re-measured on the perturbation built so far, and in pairs,
// each candidate scored by the real hasher's distance to the working copy's own hash. A perturbation that gets past τ by a margin
// is applied to the full-resolution source and checked on its uploaded JPEG; a miss widens the margin (by what the
// upload lost) and the search goes on. Only hash queries, every one counted.
import { hamming } from '../hash/hamming.js';
import { decodeImage } from '../image/decode.js';
import { checkUpload, type AttackContext } from './context.js';
import { goalHash, type AttackResult } from './goal.js';
import type { Hash } from '../hash/types.js';
import { toRgb, rmsForPsnr, type ChannelGains, type RgbImage } from './pixels.js';
import { encodeJpeg } from './upload.js';
import {
  CandidateBuilder,
  meanSquaredError,
  SeparableField,
  workImage,
  type Pattern,
  type SeparableTerm,
} from './work-image.js';

/** Control points per side the search draws from (at most √bits: a hash cannot see finer detail). */
const GRIDS = [2, 3, 4, 5, 6, 8, 10, 12, 16] as const;
/** Probability of perturbing the best pattern rather than drawing a fresh one. */
const EXPLOIT = 0.8;
/** Size of a hill-climbing step relative to the pattern's RMS. */
const STEP = 0.5;
/** Queries without progress after which a random phase ends. */
const PATIENCE = 150;
/** Queries of the first random phase. */
const RANDOM_QUERIES = 150;
/**
 * Largest side of the working image the search hashes: 256 px for PDQ (which filters down to 64 × 64 from up to
 * 512) and blockhash (block means of the full image), 128 px for hashes that read a thumbnail of at most 32 px
 * (the imagehash family) or a model input of 64 px.
 */
export function workSideFor(algo: string): number {
  const base = algo.split(':')[0] ?? algo;
  return base === 'pdq' || base === 'blockhash' ? 256 : 128;
}
/** Share of the distortion budget the candidates use (the rest absorbs the re-encode's interplay with the pattern). */
const BUDGET_SHARE = 0.99;

export interface EvadeOptions {
  /** Largest side of the working image (default: `workSideFor` the hasher). */
  readonly workSide?: number;
  /** Candidates per hash call (default 16 for hashers that batch, 1 otherwise). */
  readonly batch?: number;
}

interface Scored {
  readonly pattern: Pattern;
  readonly distance: number;
}

function freshPattern(ctx: AttackContext, grids: readonly number[]): Pattern {
  const g = grids[ctx.prng.nextInt(grids.length)]!;
  const theta = new Float64Array(g * g);
  ctx.prng.fillNormals(theta);
  return { gy: g, gx: g, theta };
}

function mutate(ctx: AttackContext, p: Pattern): Pattern {
  const noise = new Float64Array(p.theta.length);
  ctx.prng.fillNormals(noise);
  let s = 0;
  for (const v of p.theta) s += v * v;
  const r = Math.sqrt(s / p.theta.length) || 1;
  return { ...p, theta: p.theta.map((v, i) => v / r + STEP * noise[i]!) };
}

/** The mean squared error (all RGB samples) the source's own JPEG q = 90 re-encode costs: no hash query. */
async function reencodeMse(ctx: AttackContext): Promise<number> {
  const decoded = toRgb(await decodeImage(await encodeJpeg(ctx.source), ctx.oracle.hasher.decode));
  return meanSquaredError(ctx.source, decoded);
}

/** What both phases share: the working image's builder and hash, the full-size builder, budget and margin. */
interface Search {
  readonly ctx: AttackContext;
  readonly builder: CandidateBuilder;
  readonly full: CandidateBuilder;
  readonly ref: Hash;
  readonly buffers: readonly Uint8Array[];
  readonly finest: number;
  /** Mean squared error the candidates may cost (all RGB samples). */
  budget: number;
  /** Bits past τ the working image must get before an upload is tried. */
  margin: number;
  /** The best distance an upload reached, and the hash of the last upload that missed. */
  bestUpload: number;
  lastUpload?: Hash;
  /** Mean square of the RGB change per unit of perturbation (from the channel gains). */
  readonly gain2: number;
  /** Each basis's probes, once measured (they depend on the working image alone), and how often they were combined. */
  readonly probes: Map<SeparableTerm['basis'], Probe[]>;
  readonly combined: Map<SeparableTerm['basis'], number>;
  /** Bits that tiny random patterns flip (packed), measured once per colour direction before the first probes. */
  fragile?: Uint8Array;
}

/** The control grids random patterns are drawn from on the search's working image. */
function searchGrids(s: Search): number[] {
  const { width, height } = s.builder.source;
  return GRIDS.filter((g) => g <= Math.min(width, height, s.finest));
}

type Verdict = AttackResult | 'hash' | 'distortion';

/**
 * Uploads the full-size candidate; on a miss, widens the margin by what the upload lost or trims the budget. A
 * speculative upload (of a working image past τ but within the margin: the few combined candidates are worth one
 * query each) leaves the margin as it is when the hash falls short.
 */
async function tryUpload(s: Search, candidate: RgbImage, workDistance: number, speculative = false): Promise<Verdict> {
  const verdict = await checkUpload(s.ctx, candidate);
  if ('result' in verdict) return verdict.result;
  s.bestUpload = Math.max(s.bestUpload, verdict.distance);
  s.lastUpload = verdict.hash;
  if (speculative && verdict.miss === 'hash') return 'hash';
  if (verdict.miss === 'distortion') {
    s.budget *= 0.93;
    return 'distortion';
  }
  // Widened by what the upload lost, but by no more than it fell short of τ + 1: one pattern that flips far more
  // of the working copy than of the full size (116 bits against 20 for PDQ) would otherwise set a margin no later
  // candidate reaches.
  const lost = workDistance - verdict.distance;
  const short = s.ctx.goal.maxDistance + 1 - verdict.distance;
  s.margin = Math.max(s.margin + 1, Math.min(lost, s.margin + short));
  return 'hash';
}

/** The terms applied to the full-size source and uploaded (speculatively while within the margin). */
async function uploadTerms(s: Search, terms: readonly SeparableTerm[], workDistance: number): Promise<Verdict> {
  const big = new SeparableField(s.full.source.width, s.full.source.height);
  for (const t of terms) big.add(t);
  const image = s.full.buildField(big, []).image;
  return tryUpload(s, image, workDistance, workDistance <= s.ctx.goal.maxDistance + s.margin);
}

/** Random search with hill climbing for up to `queries` queries (fewer when it stalls). */
async function randomPhase(s: Search, queries: number): Promise<AttackResult | undefined> {
  const { ctx, builder, ref, buffers } = s;
  const { oracle, goal } = ctx;
  const tau = goal.maxDistance;
  const grids = searchGrids(s);
  const stop = oracle.queries + queries;
  let best: Scored | undefined;
  let checked = false;
  let sinceProgress = 0;
  while (oracle.remaining >= 2 && oracle.queries < stop && sinceProgress < PATIENCE) {
    const n = Math.min(buffers.length, oracle.remaining - 1);
    const patterns = Array.from({ length: n }, () =>
      best && ctx.prng.nextOpenUnit() < EXPLOIT ? mutate(ctx, best.pattern) : freshPattern(ctx, grids),
    );
    const hashes = await oracle.patternHashes(builder, patterns, s.budget, buffers);
    let progressed = false;
    hashes.forEach((h, i) => {
      const distance = hamming(h, ref);
      if (best && distance < best.distance) return;
      if (!best || distance > best.distance) progressed = true;
      best = { pattern: patterns[i]!, distance };
      checked = false;
    });
    sinceProgress = progressed ? 0 : sinceProgress + n;
    if (!best || checked || best.distance <= tau + s.margin || oracle.remaining < 1) continue;
    checked = true;
    const v = await tryUpload(s, s.full.build(best.pattern, s.budget).image, best.distance);
    if (typeof v !== 'string') return v;
  }
  return undefined;
}

/** Share of the budget the probe's largest amplitude spends on one direction. */
const PROBE_TOP = 0.3;
/** Bisection steps of the probe between PROBE_TOP and 1/64 of it (in energy). */
const PROBE_BISECTIONS = 3;
/**
 * Blocks and tents are bisected further: they are local, so combined they cost about the sum of their probes, and a
 * probe's amplitude known to 1.3× (three steps) overstates its energy by up to 1.7×, which decides the tight images.
 */
const LOCAL_BISECTIONS = 6;
/** Amplitudes, relative to a direction's probe, at which it is tried on the current perturbation. */
const BOOSTS = [1.15, 1.6, 2.2, 3, 4.2] as const;

type Basis = SeparableTerm['basis'];
/** The coordinate phases' bases, in turn. */
const BASES: readonly Basis[] = ['cosine', 'block', 'tent'];

/** A direction: a sum of separable terms at unit amplitude, with the mean of its square over the image. */
interface Direction {
  readonly terms: readonly SeparableTerm[];
  readonly energy: number;
}

/**
 * A direction at its least amplitude `a` that moves the hash alone, with the bits it flips there (packed, XOR) and
 * what the change costs there: its mean square over the image after clipping, per unit of the channel gains' mean
 * square (a direction's own energy overstates it where pixels clip, as in the cells of clip art on white).
 */
interface Probe {
  readonly direction: Direction;
  readonly a: number;
  readonly flips: Uint8Array;
  readonly cost: number;
}

/** The terms of a direction at amplitude `boost · a`. */
function termsOf(p: Pick<Probe, 'direction' | 'a'>, boost = 1): SeparableTerm[] {
  return p.direction.terms.map((t) => ({ ...t, a: boost * p.a * t.a }));
}

/** What a probe costs in energy (mean square over the image, after clipping) at its amplitude. */
function costOf(p: Probe): number {
  return p.cost;
}

/**
 * The directions of a basis on the working image: cosines up to `finest` per axis, or the tents of a finest² grid or
 * the flat blocks of a finest² partition, less their mean (a constant term): a brighter cell with the whole image a
 * little darker, so that a mean or median threshold of the hash stays where it was and the cell moves against it,
 * not the threshold over some other marginal bit. A block is the least change that moves one cell mean of a hash
 * of cell means (aHash, blockhash) whose cells it matches; a tent spreads over its neighbours.
 */
function directions(s: Search, basis: Basis, field: SeparableField): Direction[] {
  const { width, height } = s.builder.source;
  const out: Direction[] = [];
  if (basis === 'cosine') {
    const f = Math.min(s.finest, width - 1, height - 1);
    for (let u = 0; u <= f; u++)
      for (let v = 0; v <= f; v++) {
        const t: SeparableTerm = { basis, grid: 0, u, v, a: 1 };
        if (u + v > 0) out.push({ terms: [t], energy: field.energy(t) });
      }
  } else {
    const gy = Math.min(s.finest, height);
    const gx = Math.min(s.finest, width);
    const grid = Math.min(gy, gx);
    const mean = (p: Float32Array): number => p.reduce((a, v) => a + v, 0) / p.length;
    for (let u = 0; u < grid; u++)
      for (let v = 0; v < grid; v++) {
        const t: SeparableTerm = { basis, grid, u, v, a: 1 };
        const m = mean(field.axis(t, 'y')) * mean(field.axis(t, 'x'));
        const flat: SeparableTerm = { basis: 'cosine', grid: 0, u: 0, v: 0, a: -m };
        out.push({ terms: [t, flat], energy: field.energy(t) - m * m });
      }
  }
  const { prng } = s.ctx;
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.nextInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Random patterns tried by `fragileBits`, and the share of the budget they spend (below any probe's). */
const FRAGILE_TRIALS = 8;
const FRAGILE_SHARE = 0.002;

/**
 * The bits that tiny random patterns flip: they sit on their threshold, so every direction flips them first, and a
 * probe that recorded them would seem to cover what it does not (on mate-ubuntu-cold one such aHash bit made all 80
 * cosine probes look alike). Probes measure and record the other bits.
 */
async function fragileBits(s: Search): Promise<Uint8Array> {
  const { ctx, builder } = s;
  const grids = searchGrids(s);
  const mask = new Uint8Array(s.ref.bits.length);
  for (let i = 0; i < FRAGILE_TRIALS && ctx.oracle.remaining > 2; i++) {
    const image = builder.build(freshPattern(ctx, grids), FRAGILE_SHARE * s.budget, s.buffers[0]).image;
    const h = await ctx.oracle.hash(image);
    h.bits.forEach((b, k) => (mask[k] = mask[k]! | (b ^ s.ref.bits[k]!)));
  }
  return mask;
}

/**
 * Each direction's least amplitude (signed) that moves the hash when added alone to the working image: tried with
 * both signs at the amplitude spending PROBE_TOP of the budget, then bisected (in log amplitude) down to 1/8 of it;
 * when both signs move it, both are bisected and the cheaper kept (under a mean or median threshold, a push one way
 * drags the threshold over some other marginal bit: the push that flips the direction's own bit is the cheaper one).
 * Directions that do not move it are left out.
 */
async function probeDirections(s: Search, basis: Basis, field: SeparableField): Promise<Probe[] | undefined> {
  const { oracle } = s.ctx;
  const fragile = (s.fragile ??= await fragileBits(s));
  /** The bits outside `mask` that the direction at amplitude a flips (packed), undefined when none. */
  const flips = async (direction: Direction, a: number, mask: Uint8Array): Promise<Uint8Array | undefined> => {
    const terms = termsOf({ direction, a });
    const h = await oracle.hash(s.builder.buildField(field, terms, s.buffers[0]).image);
    const own = h.bits.map((b, i) => (b ^ s.ref.bits[i]!) & ~mask[i]!);
    return own.some((b) => b !== 0) ? own : undefined;
  };
  const bisections = basis === 'cosine' ? PROBE_BISECTIONS : LOCAL_BISECTIONS;
  const probe = async (t: Direction, mask: Uint8Array): Promise<Probe | undefined | null> => {
    if (oracle.remaining < 2 + 2 * bisections) return null;
    const top = Math.sqrt((PROBE_TOP * s.budget) / (s.gain2 * t.energy));
    const moved: { sign: number; flips: Uint8Array }[] = [];
    for (const sign of [1, -1]) {
      const f = await flips(t, sign * top, mask);
      if (f) moved.push({ sign, flips: f });
    }
    let best: Probe | undefined;
    for (const { sign, flips: atTop } of moved) {
      let lo = Math.log(top / 8);
      let hi = Math.log(top);
      let bits = atTop;
      for (let b = 0; b < bisections; b++) {
        const mid = (lo + hi) / 2;
        const f = await flips(t, sign * Math.exp(mid), mask);
        if (f) [hi, bits] = [mid, f];
        else lo = mid;
      }
      const a = sign * Math.exp(hi);
      const cost = s.builder.buildField(field, termsOf({ direction: t, a }), s.buffers[0]).mse / s.gain2;
      if (!best || cost < best.cost) best = { direction: t, a, flips: bits, cost };
    }
    return best;
  };
  const probes: Probe[] = [];
  for (const t of directions(s, basis, field)) {
    const p = await probe(t, fragile);
    if (p === null) return undefined;
    if (p) probes.push(p);
  }
  // A bit that many local directions flip first (a cell near its threshold that the flat term of every direction
  // reaches: on tux-stethoscope 50 of 64 blocks and 57 of 64 tents flipped aHash's bit 8 first) hides the bit each of
  // them would flip next: those directions are probed again with the shared bits masked, the cheapest one for each
  // shared bit kept as it was. Every cosine moves every coefficient: a bit that many of them flip is no sign of it.
  const shared = basis === 'cosine' ? undefined : sharedBits(probes);
  if (shared) {
    const mask = fragile.map((b, i) => b | shared[i]!);
    const kept = new Set(
      [...probes].sort((p, q) => costOf(p) - costOf(q)).filter((p) => p.flips.some((b, i) => (b & ~shared[i]!) !== 0)),
    );
    for (let k = 0; k < shared.length * 8; k++) {
      const bit = (p: Probe): boolean => ((p.flips[k >> 3]! >> (7 - (k & 7))) & 1) === 1;
      const cheapest = probes.filter(bit).sort((p, q) => costOf(p) - costOf(q))[0];
      if (cheapest) kept.add(cheapest);
    }
    for (const p of probes.filter((q) => !kept.has(q))) {
      const again = await probe(p.direction, mask);
      if (again === null) return [...kept];
      if (again) kept.add(again);
    }
    return [...kept];
  }
  return probes;
}

/** Probes that must share a bit before it counts as shared (and at least this share of them). */
const SHARED_MIN = 4;
const SHARED_SHARE = 0.125;

/** The bits (packed) that at least SHARED_MIN probes and SHARED_SHARE of them flipped, undefined when none. */
function sharedBits(probes: readonly Probe[]): Uint8Array | undefined {
  const first = probes[0];
  if (!first) return undefined;
  const need = Math.max(SHARED_MIN, SHARED_SHARE * probes.length);
  const out = new Uint8Array(first.flips.length);
  let any = false;
  for (let k = 0; k < out.length * 8; k++) {
    const m = 1 << (7 - (k & 7));
    const n = probes.reduce((c, p) => c + ((p.flips[k >> 3]! & m) !== 0 ? 1 : 0), 0);
    if (n < need) continue;
    out[k >> 3] = out[k >> 3]! | m;
    any = true;
  }
  return any ? out : undefined;
}

/**
 * Shares of the budget the combined directions are tried at: the whole budget pushes every chosen bit furthest past
 * its threshold (what survives the upload), less of it moves the neighbours of local directions less.
 */
const SOLVE_SHARES = [1, 0.5] as const;
/** Directions whose probes alone cost more than this many budgets are not combined: scaled down to the budget, each falls short of its threshold. */
const SOLVE_MAX_COST = 1.5;

/**
 * The terms scaled by one factor so that their sum spends the whole distortion budget on the working image (after
 * clipping, which takes energy away: rescaled until within 3% of the budget, never over it), with the candidate.
 */
function atBudget(
  s: Search,
  field: SeparableField,
  terms: readonly SeparableTerm[],
  share: number,
): { terms: SeparableTerm[]; image: RgbImage } | undefined {
  const zero = new SeparableField(field.width, field.height);
  const budget = share * s.budget;
  let scale = 1;
  let best: { terms: SeparableTerm[]; image: RgbImage } | undefined;
  for (let step = 0; step < 4; step++) {
    const scaled = terms.map((t) => ({ ...t, a: scale * t.a }));
    const c = s.builder.buildField(zero, scaled, s.buffers[0]);
    if (!(c.mse > 0)) return undefined;
    if (c.mse <= budget) best = { terms: scaled, image: { ...c.image, data: c.image.data.slice() } };
    if (c.mse <= budget && c.mse >= 0.97 * budget) break;
    // Clipping makes the error grow slower than the square of the scale: aim a little under the budget.
    scale *= Math.sqrt((0.99 * budget) / c.mse);
  }
  return best;
}

/**
 * How `cover` picks directions: by turns from the pushes up and the pushes down (a median threshold stays in place),
 * or cheapest first whatever their sign (directions less their mean leave a mean threshold in place by themselves,
 * and the cheap flips of an image may all go one way).
 */
type CoverOrder = 'alternate' | 'cheapest';
const COVER_ORDERS: readonly CoverOrder[] = ['alternate', 'cheapest'];

/**
 * The probed directions combined at once, chosen by `cover` in each order in turn, each at its least moving
 * amplitude, the sum scaled to the whole budget, so that every chosen direction is pushed past its own threshold by
 * the same factor (the margin the upload's resampling and JPEG eat). The choice starts at τ + 1 bits and grows one
 * bit at a time while the working image stays within τ + margin of its hash, until the chosen directions cost more
 * than SOLVE_MAX_COST budgets at their probes; each working image past it is uploaded.
 * Directions cost what their probe cost, so the cheapest bits go first, as a least-change attack would choose them,
 * but measured by queries alone.
 */
async function solvePhase(
  s: Search,
  field: SeparableField,
  probes: readonly Probe[],
  attempt: number,
): Promise<AttackResult | undefined> {
  const { oracle, goal } = s.ctx;
  const tau = goal.maxDistance;
  const ups = probes.filter((t) => t.a > 0).sort((p, q) => costOf(p) - costOf(q));
  const downs = probes.filter((t) => t.a < 0).sort((p, q) => costOf(p) - costOf(q));
  const tried = new Set<string>();
  for (const order of COVER_ORDERS) {
    let target = tau + 1;
    let last = -1;
    while (oracle.remaining >= 2) {
      const chosen = cover(ups, downs, target, order);
      const cost = (chosen.probes.reduce((sum, p) => sum + costOf(p), 0) * s.gain2) / s.budget;
      if (chosen.probes.length === last || cost > SOLVE_MAX_COST) break;
      last = chosen.probes.length;
      // The other order's choice of the same directions was tried already.
      const key = chosen.probes
        .map((p) => probes.indexOf(p))
        .sort((a, b) => a - b)
        .join(',');
      let missed = false;
      for (const share of tried.has(key) ? [] : SOLVE_SHARES) {
        const v = await reweighted(s, field, chosen.probes, share, share === 1 ? REWEIGHT_ROUNDS : 1, attempt);
        if (v === undefined) return undefined;
        if (typeof v !== 'string') return v;
        missed ||= v === 'distortion';
      }
      tried.add(key);
      if (missed) last = -1;
      else target++;
    }
  }
  return undefined;
}

/** Queries the reweighting of combined directions may take, and its first factor for directions short of their bits. */
const REWEIGHT_ROUNDS = 16;
const REWEIGHT_SHORT = 1.4;
/** Spread (log-normal) of the first weights after the first attempt. */
const REWEIGHT_JITTER = 0.3;
/** Rounds without a better distance after which the reweighting stops. */
const REWEIGHT_PATIENCE = 4;

/**
 * The directions combined at once, each at its probe's amplitude times a weight, the sum scaled to `share` of the
 * budget, for up to `rounds` queries: after each, the directions whose own bits (those their probe flipped) did not
 * all move get a larger weight (the rescaling gives the others less), so that the budget goes where the combination
 * falls short (neighbouring directions pushing opposite ways undo each other; one that a mean threshold drifted away
 * from needs more); a worse distance goes back to the best weights with a smaller step. Every working image past τ
 * is uploaded, and then the uploaded JPEG's bits decide which directions fell short (the re-encode moves back the
 * bits that were barely past their threshold: on tux-crowned-crane 3-4 of the working image's 11). Undefined when
 * the queries ran out.
 */
async function reweighted(
  s: Search,
  field: SeparableField,
  chosen: readonly Probe[],
  share: number,
  rounds: number,
  attempt: number,
): Promise<Verdict | undefined> {
  const { oracle, goal, prng } = s.ctx;
  const tau = goal.maxDistance;
  let verdict: Verdict = 'hash';
  let best: { weights: number[]; score: number; short: boolean[] } | undefined;
  const jitter = new Float64Array(chosen.length);
  if (attempt > 0) prng.fillNormals(jitter);
  let weights = Array.from(jitter, (z) => Math.exp(REWEIGHT_JITTER * z));
  let step = REWEIGHT_SHORT;
  let stale = 0;
  for (let round = 0; round < rounds && stale < REWEIGHT_PATIENCE; round++) {
    const c = atBudget(
      s,
      field,
      chosen.flatMap((p, i) => termsOf(p, weights[i])),
      share,
    );
    if (!c || oracle.remaining < 2) return undefined;
    const h = await oracle.hash(c.image);
    const d = hamming(h, s.ref);
    // The bits that moved, and a score: the working distance, or past τ the uploaded JPEG's (what decides).
    let moved = h.bits.map((b, k) => b ^ s.ref.bits[k]!);
    let score = d;
    if (d > tau) {
      s.lastUpload = undefined;
      const v = await uploadTerms(s, c.terms, d);
      if (typeof v !== 'string') return v;
      if (v === 'distortion') verdict = v;
      const up = s.lastUpload as Hash | undefined;
      if (up) {
        const reference = goalHash(goal).bits;
        moved = up.bits.map((b, k) => b ^ reference[k]!);
        score = tau + 1 + hamming(up, goalHash(goal));
      }
    }
    if (!best || score >= best.score) {
      const short = chosen.map((p) => p.flips.some((b, k) => (b & ~moved[k]!) !== 0));
      stale = best && score === best.score ? stale + 1 : 0;
      best = { weights, score, short };
    } else {
      // Worse: back to the best weights, a smaller step from there.
      step = Math.sqrt(step);
      stale++;
    }
    const from = best;
    weights = from.weights.map((w, i) => (from.short[i] ? w * step : w));
  }
  return verdict;
}

/**
 * Directions chosen in `order` from the pushes up and the pushes down (each list cheapest first), skipping those
 * whose probe flipped no bit not yet flipped by an earlier choice (many directions first flip the same marginal
 * bit), until `target` bits are covered or the lists run out.
 */
function cover(
  ups: readonly Probe[],
  downs: readonly Probe[],
  target: number,
  order: CoverOrder,
): { probes: Probe[]; covered: number } {
  const covered = new Uint8Array(ups[0]?.flips.length ?? downs[0]?.flips.length ?? 0);
  let count = 0;
  const chosen: Probe[] = [];
  const lists = order === 'alternate' ? [ups, downs] : [[...ups, ...downs].sort((p, q) => costOf(p) - costOf(q))];
  const next = lists.map(() => 0);
  for (let turn = 0; count < target && lists.some((l, i) => next[i]! < l.length); turn = (turn + 1) % lists.length) {
    const list = lists[turn]!;
    while (next[turn]! < list.length) {
      const p = list[next[turn]!++]!;
      let fresh = 0;
      p.flips.forEach((b, i) => (fresh += popcount8(b & ~covered[i]!)));
      if (fresh === 0) continue;
      p.flips.forEach((b, i) => (covered[i] = covered[i]! | b));
      count += fresh;
      chosen.push(p);
      break;
    }
  }
  return { probes: chosen, covered: count };
}

function popcount8(b: number): number {
  let n = 0;
  for (let x = b & 0xff; x; x &= x - 1) n++;
  return n;
}

/** Range of a direction's amplitude, relative to its probe, searched on the current perturbation. */
const SEQUENTIAL_RANGE = [0.4, 3] as const;
/** Bisection steps of that search (in log amplitude), and the factor over the least amplitude found that is kept. */
const SEQUENTIAL_BISECTIONS = 5;
const SEQUENTIAL_EXCESS = 1.05;
/** Spread (log-normal) of the costs that order the directions after the first attempt. */
const SEQUENTIAL_SHUFFLE = 0.7;
/** Passes over the directions (each while the last one moved the hash further). */
const SEQUENTIAL_PASSES = 4;

/**
 * The probed directions added one at a time (cheapest first; later attempts in a shuffled cost order), each at the
 * least amplitude that moves the hash further on the perturbation built so far, found by bisection: a direction's
 * probe alone misjudges it once others are in place (a neighbour pushing the other way takes from it, one pushing the
 * same way gives, a mean threshold drifts), the re-measured amplitude does not. Once past τ, the perturbation is
 * scaled to the whole budget (every bit pushed further past its threshold by the same factor) and uploaded.
 */
async function sequentialPhase(
  s: Search,
  probes: readonly Probe[],
  attempt: number,
): Promise<AttackResult | undefined> {
  const { ctx, builder, ref, buffers } = s;
  const { oracle, goal, prng } = ctx;
  const tau = goal.maxDistance;
  const field = new SeparableField(builder.source.width, builder.source.height);
  const noise = new Float64Array(probes.length);
  if (attempt > 0) prng.fillNormals(noise);
  const order = probes
    .map((p, i) => ({ p, key: costOf(p) * Math.exp(SEQUENTIAL_SHUFFLE * noise[i]!) }))
    .sort((x, y) => x.key - y.key)
    .map((x) => x.p);
  const build = (p: Probe, boost: number): { image: RgbImage; mse: number } => {
    const trials = termsOf(p, boost);
    return builder.buildField(field, trials, buffers[0]);
  };
  let moved: Uint8Array = new Uint8Array(ref.bits.length);
  const own = (p: Probe, bits: Uint8Array): boolean => p.flips.every((b, k) => (b & ~bits[k]!) === 0);
  const movedAt = async (p: Probe, boost: number): Promise<Uint8Array> =>
    (await oracle.hash(build(p, boost).image)).bits.map((b, k) => b ^ ref.bits[k]!);
  for (let pass = 0; pass < SEQUENTIAL_PASSES; pass++) {
    let added = false;
    for (const p of order) {
      if (oracle.remaining < SEQUENTIAL_BISECTIONS + 4) return undefined;
      if (own(p, moved)) continue;
      // Later passes add to directions already in place, or to those whose bits a later push moved back.
      let lo = pass === 0 ? SEQUENTIAL_RANGE[0] : SEQUENTIAL_RANGE[0] / 4;
      let hi: number = SEQUENTIAL_RANGE[1];
      while (hi > lo && build(p, hi).mse > s.budget) hi *= 0.8;
      if (hi <= lo) continue;
      let atHi = await movedAt(p, hi);
      if (!own(p, atHi)) continue;
      for (let b = 0; b < SEQUENTIAL_BISECTIONS; b++) {
        const mid = Math.sqrt(lo * hi);
        const m = await movedAt(p, mid);
        if (own(p, m)) [hi, atHi] = [mid, m];
        else lo = mid;
      }
      for (const t of termsOf(p, hi * SEQUENTIAL_EXCESS)) field.add(t);
      moved = atHi;
      added = true;
      const distance = moved.reduce((n, b) => n + popcount8(b), 0);
      if (distance <= tau) continue;
      const c = atBudget(s, field, field.terms, 1);
      if (!c || oracle.remaining < 2) return undefined;
      const d = hamming(await oracle.hash(c.image), ref);
      if (d <= tau) continue;
      const v = await uploadTerms(s, c.terms, d);
      if (typeof v !== 'string') return v;
      if (v === 'distortion') return undefined;
    }
    if (!added) break;
  }
  return undefined;
}

/**
 * Coordinate search in a smooth basis (SimBA, Guo et al. 2019, with low-frequency cosines or coarse bilinear tents),
 * made cheap in queries by probing first: each direction's least moving amplitude is measured alone, then the
 * directions are added up cheapest first, each checked to move the hash further on the current perturbation, until
 * the working image is past τ by the margin. Cosines reach hashes of frequency coefficients (pHash, PDQ), tents
 * hashes of block means (aHash, blockhash); the cheap bits are found by measurement, not luck.
 */
async function coordinatePhase(s: Search, basis: Basis): Promise<AttackResult | undefined> {
  const { ctx, builder, ref, buffers } = s;
  const { oracle, goal } = ctx;
  const tau = goal.maxDistance;
  const field = new SeparableField(builder.source.width, builder.source.height);
  const fresh = !s.probes.has(basis);
  const probes = s.probes.get(basis) ?? (await probeDirections(s, basis, field));
  if (!probes) return undefined;
  s.probes.set(basis, probes);
  const shift = s.combined.get(basis) ?? 0;
  s.combined.set(basis, shift + 1);
  // This basis's probes combined at once at the whole budget, then every probe measured so far (both bases once
  // the second is probed): cosines are local for hashes of frequency coefficients, tents for hashes of cells. Later
  // turns start the reweighting from jittered weights.
  const solved =
    (await solvePhase(s, field, probes, shift)) ??
    (s.probes.size > 1 && (fresh || shift > 0)
      ? await solvePhase(s, field, [...s.probes.values()].flat(), shift)
      : undefined);
  if (solved) return solved;
  const sequential = await sequentialPhase(s, probes, shift);
  if (sequential) return sequential;
  // Directions go in pairs, the cheapest push up with the cheapest push down: for hashes thresholded at their
  // median or mean, pushes one way alone drag the threshold after them (each dearer than probed), pairs leave it in
  // place. Later attempts pair each push up with a later push down.
  const ups = probes.filter((t) => t.a > 0).sort((p, q) => costOf(p) - costOf(q));
  const downs = probes.filter((t) => t.a < 0).sort((p, q) => costOf(p) - costOf(q));
  let pending: Probe[][] = [];
  for (let i = 0; i < Math.max(ups.length, downs.length); i++) {
    const pair = [ups[i], downs[(i + shift) % Math.max(1, downs.length)]];
    pending.push(pair.filter((t): t is Probe => t !== undefined));
  }
  let distance = 0;
  for (let round = 0; round < 3 && pending.length > 0; round++) {
    const skipped: Probe[][] = [];
    for (const group of pending) {
      let added = false;
      for (const boost of BOOSTS) {
        if (oracle.remaining < 2) return undefined;
        const trials = group.flatMap((p) => termsOf(p, boost));
        const c = builder.buildField(field, trials, buffers[0]);
        if (c.mse > s.budget) break;
        const d = hamming(await oracle.hash(c.image), ref);
        if (d <= distance) continue;
        for (const t of trials) field.add(t);
        distance = d;
        added = true;
        break;
      }
      if (!added) skipped.push(group);
      if (!added || distance <= tau + s.margin || oracle.remaining < 1) continue;
      const big = field.resized(s.full.source.width, s.full.source.height);
      const v = await tryUpload(s, s.full.buildField(big, []).image, distance);
      if (typeof v !== 'string') return v;
      if (v === 'distortion') return undefined;
    }
    pending = skipped;
  }
  return undefined;
}

/** Growth of the working side while its hash stays too far from the source's. */
const SIDE_GROWTH = 1.5;

/**
 * The working copy whose own hash is within nbits/64 bits (at least 1) of the source's, the smallest tried from
 * `side` up by SIDE_GROWTH (the source itself at the end), one query each: bits that the shrink alone moves sit on
 * their threshold, and a search measured against them flips them cheaply at working size for nothing at full size.
 * PDQ's 256-px copies differ from the source in 6–18 of 256 bits on sample photos; the imagehash family's 128-px
 * copies in 0–2 of 64.
 */
async function calibratedWork(ctx: AttackContext, side: number): Promise<{ image: RgbImage; hash: Hash }> {
  const { source, oracle, goal } = ctx;
  const tolerance = Math.max(1, Math.floor(oracle.hasher.nbits / 64));
  const full = Math.max(source.width, source.height);
  for (let s = side; ; s = Math.round(s * SIDE_GROWTH)) {
    const work = await workImage(source, Math.min(s, full));
    const hash = await oracle.hash(work.image);
    if (s >= full || oracle.remaining < 4 || hamming(hash, goalHash(goal)) <= tolerance)
      return { image: work.image, hash };
  }
}

/** Random patterns per colour direction with which `withBestGains` measures it. */
const GAIN_TRIALS = 12;

/**
 * Colour-opponent directions tried beside the hasher's own gains: red against green, and yellow against blue. They
 * leave luma nearly alone (hashes of luma barely see them) but move hashes that read colour: random smooth
 * patterns at 30 dB moved scanlab-tiny's 64 bits by at most 3–7 in grey and 11–14 in these.
 */
const OPPONENT_GAINS: readonly ChannelGains[] = [
  [1, -1, 0],
  [1, 1, -2],
];

function meanSquare(g: ChannelGains): number {
  return (g[0] ** 2 + g[1] ** 2 + g[2] ** 2) / 3;
}

/**
 * The search on the colour direction whose random smooth patterns at the whole budget move the working hash most on
 * average (the same GAIN_TRIALS patterns for each, the hasher's own gains kept on ties); a new direction starts with
 * no probes. Queries alone decide: a hash of luma keeps luma gains, a learned hash may not.
 */
async function withBestGains(s: Search): Promise<Search> {
  const { ctx, buffers } = s;
  const { oracle } = ctx;
  const grids = searchGrids(s);
  const patterns = Array.from({ length: GAIN_TRIALS }, () => freshPattern(ctx, grids));
  let best = { gains: ctx.gains, mean: -1 };
  for (const gains of [ctx.gains, ...OPPONENT_GAINS]) {
    if (oracle.remaining < GAIN_TRIALS + 2) return s;
    const builder = new CandidateBuilder(s.builder.source, gains, ctx.limits.maxLinf);
    let sum = 0;
    for (let i = 0; i < patterns.length; i += buffers.length) {
      const batch = patterns.slice(i, i + buffers.length);
      const hashes = await oracle.patternHashes(builder, batch, s.budget, buffers);
      for (const h of hashes) sum += hamming(h, s.ref);
    }
    if (sum / patterns.length > best.mean) best = { gains, mean: sum / patterns.length };
  }
  if (best.gains === ctx.gains) return s;
  return {
    ...s,
    builder: new CandidateBuilder(s.builder.source, best.gains, ctx.limits.maxLinf),
    full: new CandidateBuilder(s.full.source, best.gains, ctx.limits.maxLinf),
    gain2: meanSquare(best.gains),
    probes: new Map(),
    combined: new Map(),
    fragile: undefined,
  };
}

export async function evadeSearch(ctx: AttackContext, options: EvadeOptions = {}): Promise<AttackResult> {
  const { source, oracle, goal, limits } = ctx;
  if (goal.kind !== 'evade') throw new RangeError('evadeSearch: the goal must be an evasion');
  // The distortion budget: the limit's mean squared error less what the re-encode alone costs; an L∞ bound alone
  // lets the candidates go as far as it allows.
  const limitMse = limits.minPsnr > 0 ? rmsForPsnr(limits.minPsnr) ** 2 : 255 ** 2;
  const budget = BUDGET_SHARE * (limitMse - (await reencodeMse(ctx)));
  if (!(budget > 0) || oracle.remaining < 2)
    return {
      status: 'failure',
      reason: budget > 0 ? 'budget' : 'distortion',
      queries: oracle.queries,
      bestDistance: 0,
    };
  const work = await calibratedWork(ctx, options.workSide ?? workSideFor(oracle.hasher.id));
  const batch = options.batch ?? (typeof (oracle.hasher as { hashBatch?: unknown }).hashBatch === 'function' ? 16 : 1);
  let s: Search = {
    ctx,
    builder: new CandidateBuilder(work.image, ctx.gains, limits.maxLinf),
    full: new CandidateBuilder(source, ctx.gains, limits.maxLinf),
    ref: work.hash,
    buffers: Array.from({ length: batch }, () => new Uint8Array(work.image.data.length)),
    finest: Math.max(4, Math.round(Math.sqrt(oracle.hasher.nbits))),
    budget,
    // The bits the shrink alone moved are the margin to start with: none for most hashes of most images.
    margin: hamming(work.hash, goal.reference),
    bestUpload: 0,
    gain2: meanSquare(ctx.gains),
    probes: new Map(),
    combined: new Map(),
  };
  // Random patterns win within a few queries on most images; the coordinate search finds the cheap bits of the
  // rest, in cosines, blocks and tents by turns. They take turns until the queries run out.
  // After the first random phase, the search goes on in the colour direction that moves the hash most.
  for (let round = 0; oracle.remaining >= 2; round++) {
    const basis = BASES[round % BASES.length]!;
    const r = await randomPhase(s, round === 0 ? RANDOM_QUERIES : PATIENCE);
    if (r) return r;
    const other = round === 0 ? await withBestGains(s) : s;
    if (other !== s) {
      s = other;
      const again = await randomPhase(s, PATIENCE);
      if (again) return again;
    }
    const c = await coordinatePhase(s, basis);
    if (c) return c;
  }
  return { status: 'failure', reason: 'budget', queries: oracle.queries, bestDistance: s.bestUpload };
}
