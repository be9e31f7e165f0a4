// Compares scanlab's PDQ with ThreatExchange's C++ reference tool on a folder of images (default: the bundled
// sample): the share of identical hashes and the mean and maximum Hamming distance, (1) hashing the files through
// our own decoder and (2) hashing the pixels the reference decodes (ImageMagick's `convert FILE pnm:-`, read by our
// PNM reader), each against the C++ tool's hash of the file; qualities are compared too.
//
//   PDQ_CPP_HASHER=/path/to/pdq-photo-hasher npm run bench -- pdq-reference-compare [--dir FOLDER] [--show N]
//
// PDQ_CPP_HASHER is ThreatExchange's `pdq/cpp` tool built with its Makefile (`make pdq-photo-hasher`); it reads
// JPEG and PNG by running ImageMagick's `convert`, so Debian's imagemagick must be installed. PDQ_CONVERT names that
// `convert` (default /usr/bin/convert); its folder is put first on the tool's PATH. Nothing here contains reference
// code: the script runs the two programs and compares what they print.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { hamming } from '../src/hash/hamming.js';
import { pdqFromHex, type PdqHash } from '../src/hash/pdq/bits.js';
import { pdqHashImage } from '../src/hash/pdq/pdq.js';
import { decodeImage } from '../src/image/decode.js';
import { decodePnm } from '../src/image/pnm.js';
import { listImageFiles } from '../src/image/files.js';
import { argValue, fmt, printTable } from './_util.js';

const run = promisify(execFile);
const hasher = process.env.PDQ_CPP_HASHER;
const convert = process.env.PDQ_CONVERT ?? '/usr/bin/convert';
const dir = argValue('dir') ?? join(import.meta.dirname, '..', 'datasets', 'sample');
const show = Number(argValue('show') ?? 10);

if (!hasher || !existsSync(hasher)) {
  process.stdout.write(
    'pdq-reference-compare: skipped, set PDQ_CPP_HASHER to the path of ThreatExchange pdq-photo-hasher\n',
  );
  process.exit(0);
}
if (!existsSync(convert)) {
  process.stdout.write(
    `pdq-reference-compare: skipped, ImageMagick's convert not found at ${convert} (set PDQ_CONVERT)\n`,
  );
  process.exit(0);
}

const env = { ...process.env, PATH: `${dirname(convert)}:${process.env.PATH ?? ''}` };
const files = await listImageFiles([dir]);

/** The C++ tool's hash and quality per file (`-k`: keep going past files it cannot decode). */
async function referenceHashes(paths: readonly string[]): Promise<Map<string, PdqHash>> {
  const out = new Map<string, PdqHash>();
  const { stdout } = await run(hasher!, ['-k', ...paths], { env, maxBuffer: 1 << 28 }).catch(
    (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
  );
  for (const line of stdout.trim().split('\n')) {
    const [hex, quality, ...name] = line.split(',');
    if (hex && quality !== undefined) out.set(name.join(','), pdqFromHex(hex, Number(quality)));
  }
  return out;
}

interface Tally {
  n: number;
  identical: number;
  distanceSum: number;
  maxDistance: number;
  qualityOff: number;
  worst: { file: string; distance: number }[];
}

const tally = (): Tally => ({ n: 0, identical: 0, distanceSum: 0, maxDistance: 0, qualityOff: 0, worst: [] });

function record(t: Tally, file: string, ours: PdqHash, ref: PdqHash): void {
  const d = hamming(ours, ref);
  t.n++;
  if (d === 0) t.identical++;
  t.distanceSum += d;
  t.maxDistance = Math.max(t.maxDistance, d);
  if (ours.quality !== ref.quality) t.qualityOff++;
  if (d > 0) t.worst.push({ file, distance: d });
}

const reference = await referenceHashes(files);
const fromFiles = tally();
const fromPixels = tally();
const failed: string[] = [];
for (const file of files) {
  const ref = reference.get(file);
  if (!ref) {
    failed.push(relative(dir, file));
    continue;
  }
  record(fromFiles, file, pdqHashImage(await decodeImage(file)), ref);
  const { stdout } = await run(convert, [file, 'pnm:-'], { encoding: 'buffer', maxBuffer: 1 << 30 });
  record(
    fromPixels,
    file,
    pdqHashImage(decodePnm(new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length), 1e9)),
    ref,
  );
}

process.stdout.write(`pdq-reference-compare: ${files.length} images from ${dir}\nreference: ${hasher}\n\n`);
const rows = [['input to scanlab', 'images', 'identical', 'share', 'mean bits', 'max bits', 'quality differs']];
for (const [label, t] of [
  ['files, our sharp decode', fromFiles],
  ['reference-decoded pixels (convert pnm:-)', fromPixels],
] as const) {
  rows.push([
    label,
    String(t.n),
    String(t.identical),
    fmt((100 * t.identical) / Math.max(1, t.n), 1) + '%',
    fmt(t.distanceSum / Math.max(1, t.n), 2),
    String(t.maxDistance),
    String(t.qualityOff),
  ]);
}
printTable(rows);
for (const [label, t] of [
  ['files', fromFiles],
  ['reference pixels', fromPixels],
] as const) {
  const worst = t.worst.sort((a, b) => b.distance - a.distance).slice(0, show);
  if (worst.length)
    process.stdout.write(
      `\ndiffering (${label}): ${worst.map((w) => `${relative(dir, w.file)} ${w.distance}`).join(', ')}\n`,
    );
}
if (failed.length) process.stdout.write(`\nthe reference could not decode ${failed.length}: ${failed.join(', ')}\n`);
