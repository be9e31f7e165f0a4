// `scanlab hash`: perceptual hashes of files and folders as CSV or JSON Lines.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { listImageFiles } from '../image/files.js';
import { hashFiles } from '../hash/batch.js';
import { createHashers } from '../hash/hash-image.js';
import { CSV_HEADER, formatRow, type RowFormat } from '../hash/row-format.js';
import { PartialFailure, UsageError } from './errors.js';
import { parseJobs, parseList } from './options.js';
import { createProgress } from './progress.js';
import { runAction } from './run-action.js';

export const DEFAULT_HASH_ALGOS = ['ahash', 'dhash', 'phash', 'whash', 'colorhash', 'blockhash'];

interface HashOptions {
  algo?: string;
  format: string;
  out?: string;
  jobs?: string;
  exif?: boolean;
  dihedral?: boolean;
  maxPixels?: string;
  minQuality?: string;
  icc?: boolean;
}

async function hashCommand(inputs: string[], opts: HashOptions): Promise<void> {
  if (opts.format !== 'csv' && opts.format !== 'jsonl')
    throw new UsageError(`--format must be csv or jsonl, not "${opts.format}"`);
  const format: RowFormat = opts.format;
  const algos = opts.algo ? parseList(opts.algo) : DEFAULT_HASH_ALGOS;
  const jobs = parseJobs(opts.jobs);
  try {
    createHashers(algos);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const maxPixels = opts.maxPixels === undefined ? undefined : Number(opts.maxPixels);
  if (maxPixels !== undefined && !(maxPixels > 0)) throw new UsageError('--max-pixels must be a positive number');
  const minQuality = opts.minQuality === undefined ? undefined : Number(opts.minQuality);
  if (minQuality !== undefined && !(Number.isInteger(minQuality) && minQuality >= 0 && minQuality <= 100))
    throw new UsageError('--min-quality must be an integer from 0 to 100');
  const files = await listImageFiles(inputs);
  const out = opts.out ? createWriteStream(opts.out) : process.stdout;
  const write = async (line: string): Promise<void> => {
    if (!out.write(line + '\n')) await once(out, 'drain');
  };
  const progress = createProgress('hashing');
  let failed = 0;
  if (format === 'csv') await write(CSV_HEADER);
  for await (const row of hashFiles(files, {
    algos,
    jobs,
    applyExifOrientation: opts.exif,
    applyIccProfile: opts.icc,
    minQuality,
    dihedral: opts.dihedral,
    maxPixels,
    onProgress: (d, t) => progress.update(d, t),
  })) {
    if (row.error) failed++;
    await write(formatRow(row, format));
  }
  progress.finish();
  if (out !== process.stdout)
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  if (failed > 0)
    throw new PartialFailure(`${failed} of ${files.length * algos.length} hashes failed (see the error column)`);
}

export function registerHashCommand(program: Command): void {
  program
    .command('hash')
    .description('compute perceptual hashes of image files and folders (folders walked recursively)')
    .argument('<inputs...>', 'image files or folders')
    .option('--algo <list>', `comma-separated algorithms (default ${DEFAULT_HASH_ALGOS.join(',')})`)
    .option('--format <fmt>', 'csv or jsonl', 'csv')
    .option('--out <file>', 'write results to a file instead of stdout')
    .option('--jobs <n>', 'parallel workers (default: number of cores)')
    .option('--exif', 'apply EXIF orientation for every algorithm (default: as each reference does, i.e. ignore it)')
    .option('--icc', 'convert embedded ICC colour profiles to sRGB (default: ignore them, as the references do)')
    .option(
      '--min-quality <q>',
      'mark hashes with quality below Q (PDQ; reference default 50) in the error column, keeping the hash',
    )
    .option('--dihedral', 'for PDQ, emit the eight rotation/flip hashes (algo pdq:orig, pdq:r90, ...)')
    .option('--max-pixels <n>', 'refuse images with more pixels than this (default 100000000)')
    .action(runAction(hashCommand));
}
