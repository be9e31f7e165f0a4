// What the hash-leakage studies know about each image of a dataset: its thumbnail, its hashes under every algorithm,
// whether it is greyscale, and (for the learned inverse) hashes and thumbnails of edited copies to train on.
import type { Dataset } from '../dataset/types.js';
import { getHasher } from '../hash/registry.js';
import type { Hash, Hasher } from '../hash/types.js';
import { decodeImage } from '../image/decode.js';
import type { Image } from '../image/types.js';
import { createPrng, deriveSeed } from '../util/prng.js';
import { hashSigns } from './hash-signs.js';
import { shrinkPicture } from './invert-learned.js';
import { augmentImage, rgbThumbnail, shrinkImage, type Augmentation, type Picture } from './thumbnail.js';

/** Longest side of the copy that edited training views are made from (keeps hashing them cheap). */
const TRAINING_SIDE = 256;

/** One training view: the edited copy's ±1 bits per algorithm and its LEARNED_SIDE² RGB thumbnail. */
export interface TrainingView {
  readonly signs: ReadonlyMap<string, Float64Array>;
  readonly target: Picture;
}

export interface StudyImage {
  readonly id: string;
  readonly group: string;
  readonly kind?: string;
  readonly path: string;
  /** THUMB_SIDE² RGB thumbnail of the whole image. */
  readonly thumbnail: Picture;
  /** Every pixel has R = G = B (within 2 levels). */
  readonly greyscale: boolean;
  readonly hashes: ReadonlyMap<string, Hash>;
  readonly views: readonly TrainingView[];
}

export interface StudyImagesOptions {
  readonly algos: readonly string[];
  readonly seed: number;
  /** Edited copies per image for training (0–10: the eight quarter-turn/mirror variants, then random crops). */
  readonly views: number;
  readonly onProgress?: (done: number, total: number) => void;
}

function isGreyscale(image: Image): boolean {
  if (image.channels < 3) return true;
  const c = image.channels;
  for (let i = 0; i < image.data.length; i += c) {
    const r = image.data[i] ?? 0;
    if (Math.abs(r - (image.data[i + 1] ?? 0)) > 2 || Math.abs(r - (image.data[i + 2] ?? 0)) > 2) return false;
  }
  return true;
}

function augmentations(count: number, seed: number): Augmentation[] {
  const out: Augmentation[] = [];
  for (let i = 0; i < Math.min(count, 8); i++)
    out.push({ kind: 'dihedral', turns: (i % 4) as 0 | 1 | 2 | 3, mirror: i >= 4 });
  const prng = createPrng(seed);
  for (let i = 8; i < count; i++)
    out.push({
      kind: 'crop',
      left: prng.nextOpenUnit(),
      top: prng.nextOpenUnit(),
      fraction: 0.75 + 0.2 * prng.nextOpenUnit(),
    });
  return out;
}

async function hashAll(hashers: readonly Hasher[], image: Image): Promise<Map<string, Hash>> {
  const out = new Map<string, Hash>();
  for (const h of hashers) out.set(h.id, await h.hash(image));
  return out;
}

/** Decodes every image once (alpha flattened onto white) and computes what the studies need. */
export async function prepareStudyImages(dataset: Dataset, options: StudyImagesOptions): Promise<StudyImage[]> {
  const hashers = options.algos.map((a) => getHasher(a));
  const out: StudyImage[] = [];
  for (const item of dataset.items) {
    const image = await decodeImage(item.path, { flattenAlpha: 'ffffff' });
    const hashes = await hashAll(hashers, image);
    const small = shrinkImage(image, TRAINING_SIDE);
    const views: TrainingView[] = [];
    for (const a of augmentations(options.views, deriveSeed(options.seed, 'views', item.id))) {
      const edited = augmentImage(small, a);
      const viewHashes = await hashAll(hashers, edited);
      views.push({
        signs: new Map([...viewHashes].map(([algo, h]) => [algo, hashSigns(h)])),
        target: shrinkPicture(rgbThumbnail(edited)),
      });
    }
    out.push({
      id: item.id,
      group: item.group,
      ...(item.kind === undefined ? {} : { kind: item.kind }),
      path: item.path,
      thumbnail: rgbThumbnail(image),
      greyscale: isGreyscale(image),
      hashes,
      views,
    });
    options.onProgress?.(out.length, dataset.items.length);
  }
  return out;
}

/** The ids of the hashers built from `algos` (e.g. `phash:16`), in order. */
export const hasherIds = (algos: readonly string[]): string[] => algos.map((a) => getHasher(a).id);

/**
 * Assigns every group to one of `folds` folds at random (seeded), so that no group straddles training and
 * evaluation. Returns the fold of each image.
 */
export function groupFolds(images: readonly { readonly group: string }[], folds: number, seed: number): number[] {
  const groups = [...new Set(images.map((i) => i.group))].sort();
  const prng = createPrng(deriveSeed(seed, 'folds'));
  for (let i = groups.length - 1; i > 0; i--) {
    const j = prng.nextInt(i + 1);
    [groups[i], groups[j]] = [groups[j]!, groups[i]!];
  }
  const foldOf = new Map(groups.map((g, i) => [g, i % folds]));
  return images.map((i) => foldOf.get(i.group) ?? 0);
}

/** One image per group (the first by id): the evaluated targets, so that every counted trial is independent. */
export function groupRepresentatives(images: readonly { readonly id: string; readonly group: string }[]): number[] {
  const first = new Map<string, number>();
  images.forEach((img, i) => {
    const j = first.get(img.group);
    if (j === undefined || img.id < (images[j]?.id ?? '')) first.set(img.group, i);
  });
  return [...first.values()].sort((a, b) => a - b);
}
