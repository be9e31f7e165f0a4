// The photos of a pipeline run and their accounts: a folder's image files in sorted order, photo i → account i mod N,
// or a manifest CSV with `photo,account` columns (photo paths relative to the folder).
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { listImageFiles } from '../image/files.js';
import { parseCsvRecord } from '../match/csv.js';
import { PipelineUsageError } from './errors.js';
import type { PipelinePhoto } from './run.js';

export type AccountAssignment =
  { readonly kind: 'round-robin'; readonly accounts: number } | { readonly kind: 'manifest'; readonly path: string };

async function manifestAccounts(path: string): Promise<Map<string, number>> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = parseCsvRecord(lines[0] ?? '');
  const photoCol = header.indexOf('photo');
  const accountCol = header.indexOf('account');
  if (photoCol < 0 || accountCol < 0)
    throw new PipelineUsageError(`${path}: the manifest needs "photo" and "account" columns`);
  const out = new Map<string, number>();
  for (const [i, line] of lines.slice(1).entries()) {
    const fields = parseCsvRecord(line);
    const account = Number(fields[accountCol]);
    const photo = fields[photoCol];
    if (photo === undefined || !Number.isInteger(account) || account < 0 || account > 0xffffffff)
      throw new PipelineUsageError(`${path}: line ${i + 2} needs a photo and an account in 0..2^32-1`);
    out.set(photo, account);
  }
  return out;
}

/** Loads the photos of `dir` (sorted) with their accounts. */
export async function loadPipelinePhotos(dir: string, assignment: AccountAssignment): Promise<PipelinePhoto[]> {
  const files = await listImageFiles([dir]);
  if (files.length === 0) throw new PipelineUsageError(`${dir} holds no image files`);
  const names = files.map((f) => relative(dir, f));
  let accountOf: (name: string, i: number) => number;
  if (assignment.kind === 'round-robin') {
    if (!Number.isInteger(assignment.accounts) || assignment.accounts < 1)
      throw new PipelineUsageError(`accounts must be a positive integer, got ${assignment.accounts}`);
    accountOf = (_name, i) => i % assignment.accounts;
  } else {
    const map = await manifestAccounts(assignment.path);
    const missing = names.find((n) => !map.has(n));
    if (missing) throw new PipelineUsageError(`${assignment.path} gives no account for ${missing}`);
    accountOf = (name) => map.get(name)!;
  }
  return Promise.all(
    names.map(async (name, i) => ({
      name,
      bytes: new Uint8Array(await readFile(join(dir, name))),
      account: accountOf(name, i),
    })),
  );
}
