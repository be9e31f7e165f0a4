// The items an experiment could not use, so that its sample is stated truthfully: counted, listed in the run's
// summary, printed by the CLI and named in the report with the real n.
import type { DatasetItem } from '../dataset/types.js';
import type { HashUnitResult } from './hash-unit.js';

export interface FailedItem {
  readonly id: string;
  readonly error: string;
}

/** Items of an FPR run without a hash for every algorithm (not stored, or stored with an error), in item order. */
export function failedHashItems(
  items: readonly DatasetItem[],
  hashes: ReadonlyMap<string, HashUnitResult>,
): FailedItem[] {
  const out: FailedItem[] = [];
  for (const item of items) {
    const result = hashes.get(item.id);
    const error = result
      ? Object.entries(result).find(([, r]) => r.error !== undefined || r.hash === undefined)
      : undefined;
    if (!result) out.push({ id: item.id, error: 'not hashed' });
    else if (error) out.push({ id: item.id, error: `${error[0]}: ${error[1].error ?? 'no hash'}` });
  }
  return out;
}

/** One line per failed item for stderr, and the sentence stating the real sample. */
export function describeFailures(kind: string, items: number, failed: readonly FailedItem[]): string[] {
  if (failed.length === 0) return [];
  return [
    ...failed.map((f) => `${f.id}: ${f.error}`),
    `${kind}: ${failed.length} of ${items} images failed and are not counted (n = ${items - failed.length})`,
  ];
}
