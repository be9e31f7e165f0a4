// What the methods section says about a run's dataset, read from its files at report time when they are still there.
import { loadDataset } from '../dataset/load.js';

export interface DatasetInfo {
  readonly path: string;
  /** False when the dataset could not be loaded at report time (moved or deleted). */
  readonly available: boolean;
  readonly name?: string;
  readonly items?: number;
  readonly groups?: number;
  /** Items per kind label (`photo`, `art`, ...); unlabelled items count as `unlabelled`. */
  readonly kinds?: Readonly<Record<string, number>>;
  readonly synthetic?: boolean;
}

export async function describeDataset(path: string): Promise<DatasetInfo> {
  try {
    const d = await loadDataset(path);
    const kinds: Record<string, number> = {};
    for (const item of d.items) kinds[item.kind ?? 'unlabelled'] = (kinds[item.kind ?? 'unlabelled'] ?? 0) + 1;
    return {
      path,
      available: true,
      name: d.name,
      items: d.items.length,
      groups: new Set(d.items.map((i) => i.group)).size,
      kinds,
      synthetic: d.synthetic,
    };
  } catch {
    return { path, available: false };
  }
}
