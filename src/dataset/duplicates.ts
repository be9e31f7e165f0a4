// Finds exact and near-exact duplicates across groups, which would otherwise be counted as false positives.
import sharp from 'sharp';
import type { DatasetItem } from './types.js';

export interface DuplicatePair {
  readonly a: string;
  readonly b: string;
  readonly kind: 'exact' | 'near-exact';
}

/**
 * Two thumbnails are near-exact duplicates when their mean absolute difference and largest difference are this small.
 * On the bundled sample, rescaled copies of one picture differ by 0.1–0.5 on average and distinct pictures by ≥ 6.
 */
const NEAR_MEAN_ABS = 3;
const NEAR_MAX_ABS = 32;

/**
 * The image reduced to a 16×16 grey thumbnail: re-encodings and rescalings of one picture give nearly the same
 * thumbnail, different pictures practically never do.
 */
async function thumbnail(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(
      await sharp(path).greyscale().resize(16, 16, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer(),
    );
  } catch {
    return undefined;
  }
}

function nearlyEqual(a: Uint8Array, b: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > NEAR_MAX_ABS) return false;
    sum += d;
  }
  return sum <= NEAR_MEAN_ABS * a.length;
}

/** Groups of items whose thumbnails are nearly equal; candidates are bucketed by mean brightness to avoid all pairs. */
function nearExactGroups(thumbs: readonly { item: DatasetItem; thumb: Uint8Array }[]): DatasetItem[][] {
  const buckets = new Map<number, { item: DatasetItem; thumb: Uint8Array }[]>();
  const meanOf = (t: Uint8Array): number => t.reduce((s, v) => s + v, 0) / t.length;
  const out: DatasetItem[][] = [];
  for (const entry of thumbs) {
    const key = Math.floor(meanOf(entry.thumb) / NEAR_MEAN_ABS);
    for (let k = key - 1; k <= key + 1; k++) {
      for (const other of buckets.get(k) ?? [])
        if (nearlyEqual(entry.thumb, other.thumb)) out.push([other.item, entry.item]);
    }
    buckets.set(key, [...(buckets.get(key) ?? []), entry]);
  }
  return out;
}

/**
 * Pairs of items in different groups with identical bytes (`exact`, from the items' SHA-256 `digests`, in item order)
 * or nearly identical 16×16 thumbnails (`near-exact`).
 */
export async function findCrossGroupDuplicates(
  items: readonly DatasetItem[],
  digests: readonly string[],
): Promise<DuplicatePair[]> {
  const byContent = new Map<string, DatasetItem[]>();
  const thumbs: { item: DatasetItem; thumb: Uint8Array }[] = [];
  for (const [k, item] of items.entries()) {
    const sha = digests[k]!;
    byContent.set(sha, [...(byContent.get(sha) ?? []), item]);
    const thumb = await thumbnail(item.path);
    if (thumb) thumbs.push({ item, thumb });
  }
  const pairs = new Map<string, DuplicatePair>();
  const collect = (groups: Iterable<DatasetItem[]>, kind: DuplicatePair['kind']): void => {
    for (const members of groups) {
      for (let i = 0; i < members.length; i++) {
        for (let j = i + 1; j < members.length; j++) {
          const [x, y] = [members[i]!, members[j]!];
          if (x.group === y.group) continue;
          const [a, b] = x.id < y.id ? [x.id, y.id] : [y.id, x.id];
          const key = `${a}\u0000${b}`;
          if (!pairs.has(key)) pairs.set(key, { a, b, kind });
        }
      }
    }
  };
  collect(byContent.values(), 'exact');
  collect(nearExactGroups(thumbs), 'near-exact');
  return [...pairs.values()].sort((p, q) => (p.a === q.a ? (p.b < q.b ? -1 : 1) : p.a < q.a ? -1 : 1));
}
