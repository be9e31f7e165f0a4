// The hash-inversion study: reconstruct every image from each of its hashes (analytic inverse where the transform is
// known, search for the others, a learned inverse cross-fitted by group, and that inverse — alone or combined with the
// analytic one — whitened by the training photos' spectrum), then measure how well the
// reconstructions re-identify their photo among N candidates, how they score in SSIM/PSNR, and, separately, the
// trivial baseline of re-hashing the candidates.
import { hamming } from '../hash/hamming.js';
import { getHasher } from '../hash/registry.js';
import type { Hasher } from '../hash/types.js';
import { hashSigns } from './hash-signs.js';
import { analyticInverse, standardise } from './invert-analytic.js';
import {
  addTrainingPair,
  applyLearnedInverse,
  DEFAULT_RIDGE_LAMBDA,
  fitLearnedInverse,
  learnedNormalEquations,
} from './invert-learned.js';
import { optimiseInverse } from './invert-optimise.js';
import { subtractNormalEquations, sumNormalEquations, type NormalEquations } from './ridge.js';
import {
  candidateSeed,
  drawCandidates,
  pairedRank1,
  rankOfTruth,
  reidentificationRates,
  type PairedRank1,
  type ReidentificationRates,
} from './reidentify.js';
import { appearanceScore, psnr, ssim, withTypicalScale } from './similarity.js';
import { groupFolds, groupRepresentatives, type StudyImage } from './study-images.js';
import { lumaOf, pictureToSmoothImage, type Picture } from './thumbnail.js';
import { lumaSpectrum, whitenPicture, type LumaSpectrum } from './whitening.js';

/**
 * `learned`: the ridge map's picture (least squares: the best PSNR); `whitened`: that picture whitened by the
 * training spectrum (built to re-identify); `combined`: the analytic and learned pictures averaged, then whitened.
 */
export type InversionMethod = 'analytic' | 'learned' | 'whitened' | 'combined' | 'optimised';

export interface InversionStudyConfig {
  readonly seed: number;
  /** Candidate-set sizes N; those larger than the dataset allows are skipped (and listed as skipped). */
  readonly candidates: readonly number[];
  /** Folds of the cross-fitted learned inverse (groups never straddle folds). */
  readonly folds: number;
  /** Search steps of the optimised inverse, per image (0: no search). */
  readonly steps: number;
  readonly ridgeLambda?: number;
}

/** A mean with a 95% normal-approximation interval over the evaluated targets. */
export interface MeanWithInterval {
  readonly mean: number;
  readonly interval: readonly [number, number];
}

export interface MethodResult {
  readonly method: InversionMethod;
  /** Re-identification per candidate-set size N. */
  readonly byCandidates: Readonly<Record<string, ReidentificationRates>>;
  readonly ssim: MeanWithInterval;
  readonly psnr: MeanWithInterval;
  /** Fraction of bits the reconstruction's own hash shares with the target hash. */
  readonly bitAgreement: MeanWithInterval;
  /** Rank-1 against the baseline method on the same targets, per N (absent for the baseline itself). */
  readonly paired?: { readonly against: InversionMethod; readonly byCandidates: Readonly<Record<string, PairedRank1>> };
}

export interface AlgorithmInversion {
  readonly algo: string;
  readonly nbits: number;
  /**
   * The method reported first, by a fixed rule (not chosen per run on the evaluated photos): `combined` where the
   * transform is known, else `whitened` — the inverses built for re-identification.
   */
  readonly primary: InversionMethod;
  readonly methods: Readonly<Partial<Record<InversionMethod, MethodResult>>>;
  /** Baseline: rank candidates by Hamming distance of their own hashes (anyone holding the candidates can). */
  readonly rehash: Readonly<Record<string, ReidentificationRates>>;
}

export interface InversionStudyResult {
  readonly images: number;
  readonly groups: number;
  /** Evaluated targets: one image per group. */
  readonly targets: number;
  readonly candidates: readonly number[];
  readonly skippedCandidates: readonly number[];
  readonly algorithms: readonly AlgorithmInversion[];
}

/** Reconstructions per algorithm and method, by image index (for contact sheets and files). */
export type Reconstructions = Map<string, Map<InversionMethod, Map<number, Picture>>>;

function meanInterval(values: readonly number[]): MeanWithInterval {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { mean: NaN, interval: [NaN, NaN] };
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  const half = (1.96 * sd) / Math.sqrt(n);
  return { mean, interval: [mean - half, mean + half] };
}

/** Mean luma and mean within-image luma standard deviation of training thumbnails (the analytic inverse's scale). */
function typicalScale(images: readonly StudyImage[]): { mean: number; sd: number } {
  let mean = 0;
  let sd = 0;
  for (const img of images) {
    const l = lumaOf(img.thumbnail).data;
    const m = l.reduce((a, b) => a + b, 0) / l.length;
    mean += m;
    sd += Math.sqrt(l.reduce((a, b) => a + (b - m) ** 2, 0) / l.length);
  }
  return { mean: mean / images.length, sd: sd / images.length };
}

/** What a fold's model knows of the training photos: their typical luma scale and their spectrum. */
interface FoldStatistics {
  readonly scale: { readonly mean: number; readonly sd: number };
  readonly spectrum: LumaSpectrum;
}

function foldStatistics(images: readonly StudyImage[], folds: readonly number[], foldCount: number): FoldStatistics[] {
  return Array.from({ length: foldCount }, (_, f) => {
    const training = images.filter((_, i) => folds[i] !== f);
    return { scale: typicalScale(training), spectrum: lumaSpectrum(training.map((img) => img.thumbnail)) };
  });
}

/** Whitens (per fold, with that fold's training spectrum) the standardised sum of one or more pictures per image. */
function whitened(
  sources: readonly ReadonlyMap<number, Picture>[],
  folds: readonly number[],
  stats: readonly FoldStatistics[],
): Map<number, Picture> {
  const out = new Map<number, Picture>();
  for (const [i, first] of sources[0] ?? []) {
    const parts = sources.map((s) => standardise(lumaOf(s.get(i) ?? first).data));
    const sum = parts.reduce((a, b) => a.map((v, k) => v + (b[k] ?? 0)));
    const fold = stats[folds[i] ?? 0]!;
    const w = whitenPicture({ side: first.side, channels: 1, data: sum }, fold.spectrum);
    out.set(i, withTypicalScale(w, fold.scale.mean, fold.scale.sd));
  }
  return out;
}

/** Learned-inverse reconstructions of every image, each from a model trained on the other folds' images. */
function crossFittedLearned(
  images: readonly StudyImage[],
  algo: string,
  nbits: number,
  folds: readonly number[],
  foldCount: number,
  lambda: number,
): Map<number, Picture> {
  const perFold: NormalEquations[] = Array.from({ length: foldCount }, () => learnedNormalEquations(nbits));
  images.forEach((img, i) => {
    const ne = perFold[folds[i] ?? 0]!;
    for (const v of img.views) {
      const signs = v.signs.get(algo);
      if (signs) addTrainingPair(ne, algo, signs, v.target);
    }
  });
  const total = sumNormalEquations(perFold, nbits + 1, perFold[0]?.q ?? 0);
  const out = new Map<number, Picture>();
  for (let f = 0; f < foldCount; f++) {
    const model = fitLearnedInverse(algo, subtractNormalEquations(total, perFold[f]!), lambda);
    images.forEach((img, i) => {
      const h = img.hashes.get(algo);
      if (folds[i] === f && h) out.set(i, applyLearnedInverse(model, hashSigns(h)));
    });
  }
  return out;
}

async function evaluateMethod(
  method: InversionMethod,
  hasher: Hasher,
  images: readonly StudyImage[],
  targets: readonly number[],
  pictures: ReadonlyMap<number, Picture>,
  candidateDraws: ReadonlyMap<number, readonly { candidates: number[]; truth: number }[]>,
  sizes: readonly number[],
): Promise<{ result: MethodResult; ranks: number[][] }> {
  const byCandidates: Record<string, ReidentificationRates> = {};
  const ranksBySize = sizes.map((n, s) => {
    const ranks = targets.map((t) => {
      const draw = candidateDraws.get(t)![s]!;
      const rec = pictures.get(t)!;
      const scores = draw.candidates.map((c) => appearanceScore(rec, images[c]!.thumbnail));
      return rankOfTruth(scores, draw.truth);
    });
    byCandidates[String(n)] = reidentificationRates(ranks, n);
    return ranks;
  });
  const agreements: number[] = [];
  for (const t of targets) {
    const target = images[t]!.hashes.get(hasher.id)!;
    const own = await hasher.hash(pictureToSmoothImage(pictures.get(t)!, 128));
    agreements.push(1 - hamming(own, target) / target.nbits);
  }
  const result: MethodResult = {
    method,
    byCandidates,
    ssim: meanInterval(targets.map((t) => ssim(pictures.get(t)!, images[t]!.thumbnail))),
    psnr: meanInterval(targets.map((t) => psnr(pictures.get(t)!, images[t]!.thumbnail))),
    bitAgreement: meanInterval(agreements),
  };
  return { result, ranks: ranksBySize };
}

/** Runs the study on prepared images for the algorithms given (hasher ids or specs). */
export async function runInversionStudy(
  images: readonly StudyImage[],
  algos: readonly string[],
  config: InversionStudyConfig,
  onAlgorithm?: (algo: string) => void,
): Promise<{ result: InversionStudyResult; reconstructions: Reconstructions }> {
  const folds = groupFolds(images, config.folds, config.seed);
  const targets = groupRepresentatives(images);
  const groups = new Set(images.map((i) => i.group)).size;
  const sizes = config.candidates.filter((n) => n >= 2 && n <= groups);
  const skipped = config.candidates.filter((n) => !sizes.includes(n));
  const candidateDraws = new Map(
    targets.map((t) => {
      const me = images[t]!;
      const pool = targets.filter((o) => images[o]!.group !== me.group);
      return [t, sizes.map((n) => drawCandidates(t, pool, n, candidateSeed(config.seed, me.id, n)))] as const;
    }),
  );
  const stats = foldStatistics(images, folds, config.folds);
  const reconstructions: Reconstructions = new Map();
  const algorithms: AlgorithmInversion[] = [];
  for (const spec of algos) {
    const hasher = getHasher(spec);
    const algo = hasher.id;
    onAlgorithm?.(algo);
    const pictures = new Map<InversionMethod, Map<number, Picture>>();
    const learned = crossFittedLearned(
      images,
      algo,
      hasher.nbits,
      folds,
      config.folds,
      config.ridgeLambda ?? DEFAULT_RIDGE_LAMBDA,
    );
    pictures.set('learned', learned);
    pictures.set('whitened', whitened([learned], folds, stats));
    const firstHash = images[0]?.hashes.get(algo);
    if (firstHash && analyticInverse(firstHash)) {
      const analytic = new Map<number, Picture>();
      images.forEach((img, i) => {
        const p = analyticInverse(img.hashes.get(algo)!);
        const scale = stats[folds[i] ?? 0]!.scale;
        if (p) analytic.set(i, withTypicalScale(p, scale.mean, scale.sd));
      });
      pictures.set('analytic', analytic);
      pictures.set('combined', whitened([analytic, learned], folds, stats));
    } else if (config.steps > 0) {
      const optimised = new Map<number, Picture>();
      for (const t of targets) {
        const r = await optimiseInverse(hasher, images[t]!.hashes.get(algo)!, learned.get(t)!, {
          steps: config.steps,
          seed: candidateSeed(config.seed, images[t]!.id, 0),
        });
        optimised.set(t, r.picture);
      }
      pictures.set('optimised', optimised);
    }
    const evaluated = new Map<InversionMethod, { result: MethodResult; ranks: number[][] }>();
    for (const [method, pics] of pictures)
      evaluated.set(method, await evaluateMethod(method, hasher, images, targets, pics, candidateDraws, sizes));
    // Every method is compared, target by target, with the analytic inverse where there is one, else the ridge map.
    const against: InversionMethod = evaluated.has('analytic') ? 'analytic' : 'learned';
    const base = evaluated.get(against)?.ranks;
    const methods: Partial<Record<InversionMethod, MethodResult>> = {};
    for (const [method, { result, ranks }] of evaluated) {
      const byCandidates = Object.fromEntries(
        sizes.map((n, s) => [String(n), pairedRank1(ranks[s] ?? [], base?.[s] ?? [])] as const),
      );
      methods[method] = method === against || !base ? result : { ...result, paired: { against, byCandidates } };
    }
    const rehash: Record<string, ReidentificationRates> = {};
    sizes.forEach((n, s) => {
      const ranks = targets.map((t) => {
        const draw = candidateDraws.get(t)![s]!;
        const target = images[t]!.hashes.get(algo)!;
        const distances = draw.candidates.map((c) => hamming(images[c]!.hashes.get(algo)!, target));
        return rankOfTruth(distances, draw.truth, false);
      });
      rehash[String(n)] = reidentificationRates(ranks, n);
    });
    reconstructions.set(algo, pictures);
    const primary: InversionMethod = methods.combined ? 'combined' : 'whitened';
    algorithms.push({ algo, nbits: hasher.nbits, primary, methods, rehash });
  }
  return {
    result: {
      images: images.length,
      groups,
      targets: targets.length,
      candidates: sizes,
      skippedCandidates: skipped,
      algorithms,
    },
    reconstructions,
  };
}
