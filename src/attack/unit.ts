// One unit of an attack run: one source image attacked with every algorithm of the run (a unit is an item, so runs
// resume and shard by item). Each success is written as DIR/ALGO/NAME.jpg, the very file whose hash decided it, and
// measured against the defences (dihedral matching, a second algorithm) on that file.
import { join } from 'node:path';
import { fromHex, toHex } from '../hash/bits.js';
import { hamming } from '../hash/hamming.js';
import type { Hash, Hasher } from '../hash/types.js';
import { decodeImage } from '../image/decode.js';
import { makeDir } from '../util/make-dir.js';
import { messageOf } from '../util/message.js';
import { deriveSeed } from '../util/prng.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { attackImage, type AttackMode, type BlackBoxMethod } from './attack-image.js';
import { dihedralImages } from './dihedral.js';
import { evasionReach, type EvasionReach } from './evasion-reach.js';
import type { AttackGoal, AttackLimits } from './goal.js';
import { toRgb, type RgbImage } from './pixels.js';
import { meanSquaredError } from './work-image.js';
import { encodeJpeg } from './upload.js';

/** The collision target of a source: another image, or hashes given per algorithm (canonical hex). */
export type AttackTarget =
  | { readonly kind: 'image'; readonly id: string; readonly path: string }
  | { readonly kind: 'hashes'; readonly id: string; readonly hashes: Readonly<Record<string, string>> };

export interface AttackUnitInput {
  readonly id: string;
  readonly path: string;
  /** The dataset item's kind (photo, art, ...), carried into the result so summaries can split by it. */
  readonly kind?: string;
  readonly target?: AttackTarget;
}

export interface AttackUnitConfig {
  readonly kind: 'evade' | 'collide';
  readonly algos: readonly string[];
  /** τ per algorithm. */
  readonly thresholds: Readonly<Record<string, number>>;
  readonly mode: AttackMode;
  readonly method: BlackBoxMethod;
  readonly limits: AttackLimits;
  readonly seed: number;
  /** Folder the adversarial images are written to (DIR/ALGO/NAME.jpg). */
  readonly out: string;
  /** White-box collisions that must hold under every algorithm of the run at once (see `AttackRunConfig.joint`). */
  readonly joint?: boolean;
}

/** What one algorithm's attack on one image came to. */
export type AlgoOutcome =
  | {
      readonly status: 'success';
      readonly queries: number;
      readonly seconds: number;
      /** Distance of the uploaded file's hash to the original's (evasion) or the target's (collision). */
      readonly distance: number;
      readonly psnr: number;
      readonly ssim: number;
      readonly linf: number;
      /** The JPEG written, relative to the output folder. */
      readonly file: string;
      readonly hash: string;
      /** Under dihedral matching: the least distance of any rotation/flip of the upload. */
      readonly dihedralDistance: number;
      /** The same comparison under each other algorithm of the run (where it can be made). */
      readonly others: Readonly<Record<string, number>>;
      /** Evasion: how much change any success needs (the re-encode's own; the linear model's, where there is one). */
      readonly reach?: EvasionReach;
    }
  | {
      readonly status: 'failure';
      readonly reason: 'budget' | 'distortion';
      readonly queries: number;
      readonly seconds: number;
      readonly bestDistance: number;
      readonly reach?: EvasionReach;
    }
  | { readonly status: 'error'; readonly error: string };

export interface AttackUnitResult {
  readonly id: string;
  readonly kind?: string;
  readonly target?: string;
  readonly algos: Readonly<Record<string, AlgoOutcome>>;
  readonly error?: string;
}

/** A name safe as one path component: anything but letters, digits, '.', '_' and '-' becomes '_'. */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Where the adversarial image of `id` for `algo` is written, relative to the output folder. */
export function adversarialPath(algo: string, id: string): string {
  return join(safeName(algo), `${safeName(id)}.jpg`);
}

async function loadRgb(path: string): Promise<RgbImage> {
  return toRgb(await decodeImage(path));
}

/** The hash a comparison is made against, per algorithm: the source's (evasion) or the target's (collision). */
async function referenceHashes(
  config: AttackUnitConfig,
  hashers: readonly Hasher[],
  source: RgbImage,
  target: AttackTarget | undefined,
): Promise<Map<string, Hash>> {
  const out = new Map<string, Hash>();
  if (config.kind === 'evade' || !target) {
    for (const h of hashers) out.set(h.id, await h.hash(source));
    return out;
  }
  if (target.kind === 'image') {
    const image = await loadRgb(target.path);
    for (const h of hashers) out.set(h.id, await h.hash(image));
    return out;
  }
  for (const h of hashers) {
    const hex = target.hashes[h.id];
    if (hex !== undefined) out.set(h.id, fromHex(h.id, h.nbits, hex));
  }
  return out;
}

async function dihedralDistance(hasher: Hasher, image: RgbImage, reference: Hash): Promise<number> {
  if (hasher.dihedral) return Math.min(...(await hasher.dihedral(image)).map((v) => hamming(v.hash, reference)));
  let best = Infinity;
  for (const variant of dihedralImages(image)) best = Math.min(best, hamming(await hasher.hash(variant), reference));
  return best;
}

/** The other algorithms' collision goals, for a joint collision. */
function jointGoals(
  hasher: Hasher,
  hashers: readonly Hasher[],
  references: ReadonlyMap<string, Hash>,
  config: AttackUnitConfig,
): { hasher: Hasher; goal: AttackGoal }[] {
  return hashers.flatMap((other) => {
    const target = references.get(other.id);
    if (other === hasher || !target) return [];
    return [{ hasher: other, goal: { kind: 'collide', target, maxDistance: config.thresholds[other.id] ?? 0 } }];
  });
}

export async function runAttackUnit(
  input: AttackUnitInput,
  hashers: readonly Hasher[],
  config: AttackUnitConfig,
): Promise<AttackUnitResult> {
  let source: RgbImage;
  let references: Map<string, Hash>;
  try {
    source = await loadRgb(input.path);
    references = await referenceHashes(config, hashers, source, input.target);
  } catch (e) {
    return { ...identity(input), algos: {}, error: messageOf(e) };
  }
  const algos: Record<string, AlgoOutcome> = {};
  let uploadMse: number | undefined;
  for (const hasher of hashers) {
    const reference = references.get(hasher.id);
    if (!reference) {
      algos[hasher.id] = { status: 'error', error: `the target has no ${hasher.id} hash` };
      continue;
    }
    const tau = config.thresholds[hasher.id] ?? 0;
    const goal: AttackGoal =
      config.kind === 'evade'
        ? { kind: 'evade', reference, maxDistance: tau }
        : { kind: 'collide', target: reference, maxDistance: tau };
    try {
      // Computed before the clock starts: it is the measurement's frame, not part of the attack.
      let reach: EvasionReach | undefined;
      if (config.kind === 'evade') {
        uploadMse ??= meanSquaredError(source, toRgb(await decodeImage(await encodeJpeg(source))));
        reach = reachOrNothing(hasher.id, source, tau, uploadMse);
      }
      const started = performance.now();
      const r = await attackImage({
        source,
        hasher,
        goal,
        limits: config.limits,
        mode: config.mode,
        method: config.method,
        seed: deriveSeed(config.seed, input.id, hasher.id),
        ...(config.joint && config.kind === 'collide'
          ? { joint: jointGoals(hasher, hashers, references, config) }
          : {}),
      });
      const seconds = (performance.now() - started) / 1000;
      if (r.status === 'failure') {
        algos[hasher.id] = { ...r, seconds, ...(reach ? { reach } : {}) };
        continue;
      }
      const file = adversarialPath(hasher.id, input.id);
      await makeDir(join(config.out, safeName(hasher.id)));
      await writeFileAtomic(join(config.out, file), r.upload.bytes);
      const others: Record<string, number> = {};
      for (const other of hashers) {
        const ref = references.get(other.id);
        if (other !== hasher && ref) others[other.id] = hamming(await other.hash(r.upload.decoded), ref);
      }
      algos[hasher.id] = {
        status: 'success',
        queries: r.queries,
        seconds,
        distance: r.distance,
        psnr: r.distortion.psnr,
        ssim: r.distortion.ssim,
        linf: r.distortion.linf,
        file,
        hash: toHex(r.upload.hash),
        dihedralDistance: await dihedralDistance(hasher, r.upload.decoded, reference),
        others,
        ...(reach ? { reach } : {}),
      };
    } catch (e) {
      algos[hasher.id] = { status: 'error', error: messageOf(e) };
    }
  }
  return { ...identity(input), algos };
}

/** The reach figures, or none when they cannot be computed: they frame an attack's outcome, never decide it. */
function reachOrNothing(algo: string, source: RgbImage, tau: number, uploadMse: number): EvasionReach | undefined {
  try {
    return evasionReach(algo, source, tau, uploadMse);
  } catch {
    return undefined;
  }
}

/** What a unit's result says about its input: id, kind and target id (each only when known). */
function identity(input: AttackUnitInput): Pick<AttackUnitResult, 'id' | 'kind' | 'target'> {
  return {
    id: input.id,
    ...(input.kind !== undefined ? { kind: input.kind } : {}),
    ...(input.target ? { target: input.target.id } : {}),
  };
}
