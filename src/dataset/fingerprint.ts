// A dataset's identity for provenance: SHA-256 over every item's id, group and file content, in id order.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Dataset } from './types.js';

/** SHA-256 of each file's bytes, in item order. */
export async function fileDigests(dataset: Dataset): Promise<string[]> {
  const out: string[] = [];
  for (const item of dataset.items)
    out.push(
      createHash('sha256')
        .update(await readFile(item.path))
        .digest('hex'),
    );
  return out;
}

/** Same ids, groups and bytes ⇒ same fingerprint, wherever the dataset lives on disk. */
export function datasetFingerprint(dataset: Dataset, digests: readonly string[]): string {
  const lines = dataset.items.map((item, i) => `${item.id}\t${item.group}\t${digests[i]}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
