// `scanlab index build`: reads a hash list once and writes a `.scanidx` index file for fast matching.
import type { Command } from 'commander';
import { canonicalSpec } from '../hash/registry.js';
import { readHashList } from '../match/list-read.js';
import { buildIndex, indexBytes } from '../match/match-index.js';
import { saveIndex } from '../match/index-file.js';
import { UsageError } from './errors.js';
import { parseBits, parseListFormat, parseNonNegativeInt, reportSkipped } from './match.js';
import { runAction } from './run-action.js';

interface BuildOptions {
  algo: string;
  in: string;
  out: string;
  bits?: string;
  inFormat?: string;
  maxDistance?: string;
  skipInvalid?: boolean;
}

async function buildCommand(opts: BuildOptions): Promise<void> {
  const nbits = parseBits(opts.algo, opts.bits);
  const format = parseListFormat(opts.inFormat);
  const radius = opts.maxDistance === undefined ? undefined : parseNonNegativeInt('--max-distance', opts.maxDistance);
  if (opts.in === opts.out) throw new UsageError('--in and --out must be different files');
  const { list, invalid } = await readHashList(opts.in, {
    algo: canonicalSpec(opts.algo),
    nbits,
    format,
    skipInvalid: opts.skipInvalid,
  });
  reportSkipped(invalid);
  const index = buildIndex(list, { radius });
  await saveIndex(opts.out, index);
  const { count, nbits: bits } = list.hashes;
  const bytes = indexBytes(index);
  const layout =
    index.tables.length === 0
      ? 'linear scan only'
      : `${index.tables.length} substring tables of ${index.tables[0]!.width} bits`;
  const perEntry = count > 0 ? ((bytes.hashes + bytes.tables) / count).toFixed(1) : '0';
  process.stderr.write(
    `indexed ${count} ${bits}-bit ${list.algo} hashes for radius ${index.designRadius}: ${layout}, ${perEntry} bytes per entry\n`,
  );
}

export function registerIndexCommand(program: Command): void {
  const index = program.command('index').description('build match indexes from hash lists');
  index
    .command('build')
    .description(
      'index a hash list (CSV with a hash column, text with one hash per line, or JSONL) into a .scanidx file',
    )
    .requiredOption('--algo <id>', 'algorithm of the hashes, e.g. pdq')
    .requiredOption('--in <file>', 'the hash list')
    .requiredOption('--out <file>', 'the index file to write (.scanidx)')
    .option('--bits <n>', 'bit length of the hashes, for algorithms scanlab does not compute itself')
    .option('--in-format <fmt>', 'format of the hash list: csv, text or jsonl (default: from the extension)')
    .option('--max-distance <n>', 'largest Hamming distance to tune the index for (default: 31/256 of the hash length)')
    .option('--skip-invalid', 'skip invalid rows (reported on stderr) instead of failing')
    .action(runAction(buildCommand));
}
