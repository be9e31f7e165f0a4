// `scanlab hash`: perceptual hashes of files and folders as CSV or JSON Lines.
import type { Command } from 'commander';
import { walkImages } from '../image/files.js';
import { hashFiles } from '../hash/batch.js';
import { CSV_HEADER, formatRow, type RowFormat } from '../hash/row-format.js';
import { PartialFailure, UsageError } from './errors.js';
import { parseAlgos, parseJobs, parseNumberOption } from './options.js';
import { withLineOutput } from './output.js';
import { createProgress } from './progress.js';
import { runAction } from './run-action.js';
import { addShardOption, shardFromOption } from './shard-option.js';
import { itemsOfShard } from '../util/shard.js';

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
  shard?: string;
}

async function hashCommand(inputs: string[], opts: HashOptions): Promise<void> {
  if (opts.format !== 'csv' && opts.format !== 'jsonl')
    throw new UsageError(`--format must be csv or jsonl, not "${opts.format}"`);
  const format: RowFormat = opts.format;
  const algos = opts.algo ? parseAlgos(opts.algo) : DEFAULT_HASH_ALGOS;
  const jobs = parseJobs(opts.jobs);
  const maxPixels = opts.maxPixels === undefined ? undefined : parseNumberOption('--max-pixels', opts.maxPixels);
  if (maxPixels !== undefined && !(maxPixels > 0))
    throw new UsageError(`--max-pixels must be a positive number, not "${opts.maxPixels}"`);
  const minQuality = opts.minQuality === undefined ? undefined : parseNumberOption('--min-quality', opts.minQuality);
  if (minQuality !== undefined && !(Number.isInteger(minQuality) && minQuality >= 0 && minQuality <= 100))
    throw new UsageError(`--min-quality must be an integer from 0 to 100, not "${opts.minQuality}"`);
  const shard = shardFromOption(opts.shard);
  const walked = await walkImages(inputs);
  const files = itemsOfShard(walked.files, (f) => f, shard);
  const unreadable = itemsOfShard(walked.unreadable, (u) => u.path, shard);
  const progress = createProgress('hashing');
  const { failed, rows } = await withLineOutput(opts.out, async (out) => {
    let failed = 0;
    let rows = 0;
    if (format === 'csv') await out.write(CSV_HEADER);
    // Inputs and folder entries that cannot be read are failed rows like files that cannot be decoded.
    for (const u of unreadable) {
      process.stderr.write(`scanlab: ${u.path}: ${u.error}\n`);
      for (const algo of algos) {
        failed++;
        rows++;
        await out.write(formatRow({ file: u.path, algo, hash: '', error: u.error }, format));
      }
    }
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
      rows++;
      await out.write(formatRow(row, format));
    }
    return { failed, rows };
  });
  progress.finish();
  if (failed > 0) throw new PartialFailure(`${failed} of ${rows} hashes failed (see the error column)`);
}

export function registerHashCommand(program: Command): void {
  addShardOption(program.command('hash'))
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
