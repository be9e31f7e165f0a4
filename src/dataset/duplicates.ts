// Finds exact and near-exact duplicates across groups, which would otherwise be counted as false positives.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { DatasetItem } from './types.js';

export interface DuplicatePair {
  readonly a: string;
  readonly b: string;
  readonly kind: 'exact' | 'near-exact';
}

/**
 * Pixel fingerprint for near-exact duplicates: the image reduced to a 16×16 grey thumbnail and quantised to
 * 16 levels. Re-encodings and rescalings of the same picture share it; different pictures practically never do.
 */
async function fingerprint(bytes: Uint8Array): Promise<string | undefined> {
  try {
    const thumb = await sharp(bytes).greyscale().resize(16, 16, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer();
    return Buffer.from(thumb.map((v) => v >> 4)).toString('hex');
  } catch {
    return undefined;
  }
}

/** Pairs of items in different groups with identical bytes (`exact`) or identical pixel fingerprints (`near-exact`). */
export async function findCrossGroupDuplicates(items: readonly DatasetItem[]): Promise<DuplicatePair[]> {
  const byContent = new Map<string, DatasetItem[]>();
  const byPixels = new Map<string, DatasetItem[]>();
  for (const item of items) {
    const bytes = await readFile(item.path);
    const sha = createHash('sha256').update(bytes).digest('hex');
    byContent.set(sha, [...(byContent.get(sha) ?? []), item]);
    const fp = await fingerprint(bytes);
    if (fp) byPixels.set(fp, [...(byPixels.get(fp) ?? []), item]);
  }
  const pairs = new Map<string, DuplicatePair>();
  const collect = (groups: Map<string, DatasetItem[]>, kind: DuplicatePair['kind']): void => {
    for (const members of groups.values()) {
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
  collect(byContent, 'exact');
  collect(byPixels, 'near-exact');
  return [...pairs.values()].sort((p, q) => (p.a === q.a ? (p.b < q.b ? -1 : 1) : p.a < q.a ? -1 : 1));
}
