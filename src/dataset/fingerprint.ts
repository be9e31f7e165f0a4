// A dataset's identity for provenance: SHA-256 over every item's id, group and file content, in id order.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Dataset } from './types.js';

/**
 * SHA-256 of each file's bytes, in item order. A file that cannot be read gets `unreadable:PATH` instead (unique, so
 * never a duplicate or a cache hit): hashing it then fails and it is counted as a failed item, not a crash.
 */
export async function fileDigests(dataset: Dataset): Promise<string[]> {
  const out: string[] = [];
  for (const item of dataset.items) {
    const bytes = await readFile(item.path).catch(() => null);
    out.push(bytes ? createHash('sha256').update(bytes).digest('hex') : `unreadable:${item.path}`);
  }
  return out;
}

/** Same ids, groups and bytes ⇒ same fingerprint, wherever the dataset lives on disk. */
export function datasetFingerprint(dataset: Dataset, digests: readonly string[]): string {
  const lines = dataset.items.map((item, i) => `${item.id}\t${item.group}\t${digests[i]}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
