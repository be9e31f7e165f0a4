// Benchmark: images per second for each hash algorithm over a folder (default: the bundled sample), against
// the floor (sharp decoding alone) and peer packages measured in the same run, and 2 workers against 1.
//
//   npm run bench -- hash-throughput [--dir FOLDER | --dataset FOLDER] [--repeats N] [--algos a,b] [--no-jobs]
//   --no-jobs leaves out the hashFiles rows (1 and 2 workers), the slowest part. --clock cpu times the per-algorithm
//   and peer rows by the process's CPU time instead of wall time (images per CPU-second), for a machine loaded by
//   other work, where wall time measures mostly the scheduler. The "hash alone" column times each hasher on images
//   decoded beforehand (decode excluded), in nanoseconds per source pixel, beside the full decode's.
//   PDQ_CPP_HASHER=/path/to/pdq-photo-hasher adds ThreatExchange's C++ PDQ tool as a peer.
//   "vs full-decode floor" divides a row's best by the floor's best over every round of the run; "same rounds" is the
//   median over that row's rounds of the floor's time / the row's, each pair timed back to back (equal samples).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { bmvbhash } from 'blockhash-core';
import sharp from 'sharp';
import { hashFiles } from '../src/hash/batch.js';
import { builtinAlgorithms, listAlgorithms, getHasher } from '../src/hash/registry.js';
import { decodeImage } from '../src/image/decode.js';
import { median } from '../src/hash/imagehash/median.js';
import { listImageFiles } from '../src/image/files.js';
import { argValue, bestOf, fmt, printTable } from './_util.js';

const run = promisify(execFile);
const sharpPhash = createRequire(import.meta.url)('sharp-phash') as (input: Buffer) => Promise<string>;
const dir = argValue('dir') ?? argValue('dataset') ?? join(import.meta.dirname, '..', 'datasets', 'sample');
const repeats = Number(argValue('repeats') ?? 3);
const files = await listImageFiles([dir]);
const buffers = files.map((f) => readFileSync(f));
const known = new Set(listAlgorithms().map((a) => a.id));
const algos = (argValue('algos')?.split(',') ?? builtinAlgorithms()).filter((a) => {
  if (!known.has(a)) process.stdout.write(`(skipping ${a}: not registered)\n`);
  return known.has(a);
});
sharp.concurrency(1);
/** `--clock cpu`: time loops by this process's CPU time (all its threads) instead of wall time, for loaded machines. */
const cpuClock = argValue('clock') === 'cpu';

/** The pixel size each algorithm's reference computes from, for the "sized" floor (sharp decodes straight to it). */
function neededSize(algo: string, w: number, h: number): [number, number] | undefined {
  switch (algo) {
    case 'ahash':
      return [8, 8];
    case 'dhash':
      return [9, 8];
    case 'phash':
      return [32, 32];
    case 'whash': {
      const s = Math.max(8, 2 ** Math.floor(Math.log2(Math.min(w, h))));
      return [s, s];
    }
    case 'pdq':
      return w > 512 || h > 512 ? [512, 512] : undefined;
    default:
      return undefined;
  }
}

const metas = await Promise.all(buffers.map((b) => sharp(b).metadata()));
const perSecond = (ms: number, n = buffers.length): number => (n * 1000) / ms;

process.stdout.write(
  `hash-throughput: ${files.length} images from ${dir}, best of ${repeats} interleaved rounds, ${cpuClock ? 'CPU' : 'wall'} time, one thread unless stated\n\n`,
);

const fullDecode = async (): Promise<void> => {
  for (const b of buffers) await sharp(b).toColourspace('srgb').raw().toBuffer();
};

/**
 * The best milliseconds of each loop over `repeats` interleaved rounds (after one warm-up run each), so that load
 * from other processes hits every loop of a round alike; the full decode runs in every round as the common floor.
 * `paired[i]` is the median over rounds of (the floor's time / loop i's time) in the same round: the ratio to the
 * floor from equally many samples of each, taken back to back (the best of the floor over every round of every
 * algorithm is a minimum of many more samples than any one row's, and so biased low on a noisy machine).
 */
const fullDecodeMs: number[] = [];
async function interleaved(loops: readonly (() => Promise<void>)[]): Promise<{ best: number[]; paired: number[] }> {
  const all = [fullDecode, ...loops];
  for (const loop of all) await loop();
  const best = all.map(() => Infinity);
  const ratios: number[][] = loops.map(() => []);
  for (let round = 0; round < repeats; round++) {
    const times: number[] = [];
    for (const [i, loop] of all.entries()) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await loop();
      const cpu = process.cpuUsage(c0);
      times.push(cpuClock ? (cpu.user + cpu.system) / 1000 : performance.now() - t0);
      best[i] = Math.min(best[i]!, times[i]!);
    }
    loops.forEach((_, i) => ratios[i]!.push(times[0]! / times[i + 1]!));
  }
  fullDecodeMs.push(best[0]!);
  return { best: best.slice(1), paired: ratios.map(median) };
}

const pixels = metas.reduce((sum, m) => sum + m.width! * m.height!, 0);
const nsPerPixel = (ms: number): string => fmt((ms * 1e6) / pixels, 2);

/** Per algorithm: images/s of the sharp decode to its size and of scanlab's hash, and the hash alone's ns/pixel. */
const measured: {
  algo: string;
  floorSized: number;
  rate: number;
  aloneMs: number;
  /** Median over rounds of the full decode's time / this hash's (decode included) in the same round. */
  paired: number;
}[] = [];
for (const algo of algos) {
  const hasher = getHasher(algo);
  const decoded = await Promise.all(buffers.map((b) => decodeImage(b, hasher.decode)));
  const {
    best: [sizedMs, ms, aloneMs],
    paired: [, paired],
  } = await interleaved([
    async () => {
      for (const [i, b] of buffers.entries()) {
        const size = neededSize(algo, metas[i]!.width!, metas[i]!.height!);
        const p = sharp(b).toColourspace('srgb');
        await (size ? p.resize(size[0], size[1], { fit: 'fill' }) : p).raw().toBuffer();
      }
    },
    async () => {
      for (const b of buffers) await hasher.hash(await decodeImage(b, hasher.decode));
    },
    async () => {
      // A fresh object per call, so nothing cached per image (e.g. its grey conversion) carries over.
      for (const image of decoded) await hasher.hash({ ...image });
    },
  ]);
  measured.push({
    algo,
    floorSized: perSecond(sizedMs!),
    rate: perSecond(ms!),
    aloneMs: aloneMs!,
    paired: paired!,
  });
}
const {
  best: [peerPhashMs, peerBlockMs],
  paired: [peerPhashPaired, peerBlockPaired],
} = await interleaved([
  async () => {
    for (const b of buffers) await sharpPhash(b);
  },
  async () => {
    for (const b of buffers) {
      const { data, info } = await sharp(b).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      bmvbhash({ width: info.width, height: info.height, data }, 16);
    }
  },
]);
const floorFull = perSecond(Math.min(...fullDecodeMs));

const rows: string[][] = [
  ['row', 'images/s', 'vs full-decode floor', 'same rounds', 'vs sized floor', 'hash alone ns/px', 'note'],
];
rows.push([
  'floor: sharp full decode',
  fmt(floorFull),
  '1.00',
  '1.00',
  '',
  nsPerPixel(Math.min(...fullDecodeMs)),
  'what a Pillow-exact resize must start from; best of every round (ns/px: the decode)',
]);
for (const { algo, floorSized, rate, aloneMs, paired } of measured) {
  rows.push([
    `floor: sharp decode to ${algo}'s size`,
    fmt(floorSized),
    fmt(floorSized / floorFull, 2),
    '',
    '1.00',
    '',
    '',
  ]);
  rows.push([
    `scanlab ${algo}`,
    fmt(rate),
    fmt(rate / floorFull, 2),
    fmt(paired, 2),
    fmt(rate / floorSized, 2),
    nsPerPixel(aloneMs),
    '',
  ]);
}

const peerPhash = perSecond(peerPhashMs!);
rows.push([
  'peer: sharp-phash',
  fmt(peerPhash),
  fmt(peerPhash / floorFull, 2),
  fmt(peerPhashPaired!, 2),
  '',
  '',
  'not imagehash-compatible',
]);
const peerBlock = perSecond(peerBlockMs!);
rows.push([
  'peer: blockhash-core + sharp',
  fmt(peerBlock),
  fmt(peerBlock / floorFull, 2),
  fmt(peerBlockPaired!, 2),
  '',
  '',
  'its README usage',
]);

/** The folder listed several times over, so that worker start-up is a small share of a multi-job run. */
const manyFiles = Array.from({ length: Math.max(1, Math.ceil(400 / files.length)) }, () => files).flat();
async function allRows(jobs: number, which: readonly string[]): Promise<void> {
  for await (const r of hashFiles(manyFiles, { algos: which, jobs })) if (r.error) throw new Error(r.error);
}
if (!process.argv.includes('--no-jobs')) {
  const jobs1 = await bestOf(repeats, () => allRows(1, algos));
  const jobs2 = await bestOf(repeats, () => allRows(2, algos));
  rows.push([
    `hashFiles all ${algos.length} algos, --jobs 1`,
    fmt(perSecond(jobs1, manyFiles.length)),
    '',
    '',
    '',
    '',
    'decode once per file',
  ]);
  rows.push([
    `hashFiles all ${algos.length} algos, --jobs 2`,
    fmt(perSecond(jobs2, manyFiles.length)),
    '',
    '',
    '',
    '',
    `${fmt(jobs1 / jobs2, 2)}x --jobs 1`,
  ]);
}

const cpp = process.env.PDQ_CPP_HASHER;
if (algos.includes('pdq')) {
  if (cpp) {
    const half = Math.ceil(manyFiles.length / 2);
    const cpp1 = await bestOf(repeats, () => run(cpp, manyFiles, { maxBuffer: 1 << 26 }));
    const cpp2 = await bestOf(repeats, () =>
      Promise.all([
        run(cpp, manyFiles.slice(0, half), { maxBuffer: 1 << 26 }),
        run(cpp, manyFiles.slice(half), { maxBuffer: 1 << 26 }),
      ]),
    );
    const ours1 = await bestOf(repeats, () => allRows(1, ['pdq']));
    const ours2 = await bestOf(repeats, () => allRows(2, ['pdq']));
    rows.push([
      'C++ pdq-photo-hasher, 1 process',
      fmt(perSecond(cpp1, manyFiles.length)),
      '',
      '',
      '',
      '',
      'end to end, files from disk',
    ]);
    rows.push([
      'scanlab pdq end to end, --jobs 1',
      fmt(perSecond(ours1, manyFiles.length)),
      '',
      '',
      '',
      '',
      `${fmt(cpp1 / ours1, 2)}x the C++ tool's speed`,
    ]);
    rows.push(['C++ pdq-photo-hasher, 2 processes', fmt(perSecond(cpp2, manyFiles.length)), '', '', '', '', '']);
    rows.push([
      'scanlab pdq end to end, --jobs 2',
      fmt(perSecond(ours2, manyFiles.length)),
      '',
      '',
      '',
      '',
      `${fmt(cpp2 / ours2, 2)}x the C++ tool's speed`,
    ]);
  } else {
    rows.push(['C++ pdq-photo-hasher', 'skipped', '', '', '', '', 'set PDQ_CPP_HASHER to the built reference tool']);
  }
}
printTable(rows);
