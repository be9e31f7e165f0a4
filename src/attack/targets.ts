// Collision targets: a dataset of images, or a CSV of hashes as `scanlab hash --format csv` writes it
// (columns file, algo, hash); each source gets one target, chosen by a seeded rule from a group other than its own.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadDataset } from '../dataset/load.js';
import type { DatasetItem } from '../dataset/types.js';
import { countQuotes, parseCsvRecord } from '../match/csv.js';
import { deriveSeed } from '../util/prng.js';
import { AttackError } from './attack-image.js';
import type { AttackTarget } from './unit.js';

export interface TargetPool {
  readonly targets: readonly (AttackTarget & { readonly group?: string })[];
}

/** Reads hash rows (file, algo, hash; other columns ignored, rows with an empty hash skipped) into one target per file. */
export async function readTargetHashes(path: string): Promise<TargetPool> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new AttackError(`${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  const records: string[] = [];
  let pending = '';
  for (const line of text.split(/\r?\n/)) {
    pending = pending ? `${pending}\n${line}` : line;
    if (countQuotes(pending) % 2 === 0) {
      if (pending.trim() !== '') records.push(pending);
      pending = '';
    }
  }
  const header = parseCsvRecord(records[0] ?? '');
  const [file, algo, hash] = ['file', 'algo', 'hash'].map((c) => header.indexOf(c));
  if (file === undefined || algo === undefined || hash === undefined || file < 0 || algo < 0 || hash < 0)
    throw new AttackError(`${path}: a target CSV needs the columns file, algo and hash`);
  const byFile = new Map<string, Record<string, string>>();
  for (const record of records.slice(1)) {
    const f = parseCsvRecord(record);
    const h = f[hash] ?? '';
    if (h === '') continue;
    const key = f[file] ?? '';
    const entry = byFile.get(key) ?? {};
    entry[f[algo] ?? ''] = h;
    byFile.set(key, entry);
  }
  if (byFile.size === 0) throw new AttackError(`${path}: no hashes to target`);
  return { targets: [...byFile].map(([id, hashes]) => ({ kind: 'hashes' as const, id, hashes })) };
}

/** Targets from a CSV of hashes (`.csv`) or from a dataset folder or manifest. */
export async function loadTargets(path: string): Promise<TargetPool> {
  if (path.toLowerCase().endsWith('.csv')) return readTargetHashes(path);
  const dataset = await loadDataset(resolve(path));
  return {
    targets: dataset.items.map((i) => ({ kind: 'image' as const, id: i.id, path: i.path, group: i.group })),
  };
}

/**
 * The target of a source: a seeded choice among the pool (stable per source id, whatever the order or shard), moving
 * on past targets of the source's own group or file so that a source never targets itself or a near-duplicate.
 */
export function targetFor(source: DatasetItem, pool: TargetPool, seed: number): AttackTarget | undefined {
  const { targets } = pool;
  const start = deriveSeed(seed, source.id, 'target') % targets.length;
  for (let step = 0; step < targets.length; step++) {
    const t = targets[(start + step) % targets.length]!;
    const same = t.kind === 'image' && (t.group === source.group || resolve(t.path) === resolve(source.path));
    if (!same) {
      const { group: _group, ...target } = t;
      return target;
    }
  }
  return undefined;
}
