// Benchmark: the neural hasher's images per second on 1 and 2 cores, a batch-size sweep, and the share of time spent
// in preprocessing (sharp resize + normalisation) versus inference (onnxruntime), plus end-to-end `hashFiles` with
// 1 and 2 cores beside PDQ and pHash: batched (as `scanlab hash` runs), one image per model call through the same
// pipeline, and the baseline — file by file, decode then one model call, nothing overlapped (as the command ran before
// it batched). Each core count runs in a child process pinned with taskset where available.
//
//   npm run bench -- neural [--card models/scanlab-tiny.json] [--dir FOLDER] [--count 64] [--repeats 3] [--e2e-only]
//   (--count: images in the batch sweep; the end-to-end rows hash every image in the folder; --e2e-only: no sweep)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { hashFiles } from '../src/hash/batch.js';
import { neuralHasher } from '../src/hash/neural/neural-hasher.js';
import { preprocessBatch } from '../src/hash/neural/preprocess.js';
import { projectEmbeddings, loadProjection } from '../src/hash/neural/projection.js';
import { runModel, sessionFor } from '../src/hash/neural/session.js';
import { decodeImage } from '../src/image/decode.js';
import { listImageFiles } from '../src/image/files.js';
import type { Image } from '../src/image/types.js';
import { argValue, fmt, printTable } from './_util.js';

const root = join(import.meta.dirname, '..');
const card = argValue('card') ?? join(root, 'models', 'scanlab-tiny.json');
const dir = argValue('dir') ?? join(root, 'datasets', 'sample');
const count = Number(argValue('count') ?? 64);
const repeats = Number(argValue('repeats') ?? 3);
const BATCHES = [1, 4, 16, 32];
const e2eOnly = process.argv.includes('--e2e-only');
/** The end-to-end baseline's variant number: a plain loop, not `hashFiles`. */
const FILE_BY_FILE = -1;

interface SweepRow {
  readonly cores: number;
  readonly batch: number;
  readonly preprocessMs: number;
  readonly inferenceMs: number;
  readonly bitsMs: number;
}

interface EndToEndRow {
  readonly cores: number;
  readonly algo: string;
  readonly imagesPerSecond: number;
  /** The process's CPU time (all threads) per image in the round with the lowest. */
  readonly cpuMsPerImage: number;
}

/** Best-of-`repeats` time of each stage over all images, in batches of `batch`. */
async function sweep(images: readonly Image[], cores: number, batch: number): Promise<SweepRow> {
  const hasher = neuralHasher(card, 'bench', { intraOpThreads: cores });
  const model = await sessionFor(hasher.card, cores);
  const projection = hasher.card.projection ? loadProjection(hasher.card.projection) : undefined;
  let best = { preprocessMs: Infinity, inferenceMs: Infinity, bitsMs: Infinity };
  for (let r = 0; r <= repeats; r++) {
    const t = { preprocessMs: 0, inferenceMs: 0, bitsMs: 0 };
    for (let i = 0; i < images.length; i += batch) {
      const chunk = images.slice(i, i + batch);
      const t0 = performance.now();
      const tensor = await preprocessBatch(chunk, hasher.card);
      const t1 = performance.now();
      const embeddings = await runModel(hasher.card, model, tensor, chunk.length);
      const t2 = performance.now();
      if (projection) projectEmbeddings(projection, embeddings, chunk.length);
      t.preprocessMs += t1 - t0;
      t.inferenceMs += t2 - t1;
      t.bitsMs += performance.now() - t2;
    }
    // The first round warms up (session creation, sharp and onnxruntime caches) and is not counted.
    if (r > 0 && t.preprocessMs + t.inferenceMs + t.bitsMs < best.preprocessMs + best.inferenceMs + best.bitsMs)
      best = t;
  }
  return { cores, batch, ...best };
}

/** The baseline: each file read, decoded and hashed (one model call) before the next, in this thread. */
async function fileByFile(files: readonly string[]): Promise<void> {
  const hasher = neuralHasher(card);
  for (const file of files) await hasher.hash(await decodeImage(file));
}

const variantName = (batchFiles: number | undefined): string =>
  batchFiles === FILE_BY_FILE
    ? 'file by file, one image per call (baseline)'
    : batchFiles === 1
      ? 'one image per call'
      : 'batched';

/**
 * Best-of-`repeats` images/s of each variant, their rounds interleaved so that a change in the machine's load hits
 * them alike. `batchFiles` 1 is one image per model call through `hashFiles`; FILE_BY_FILE the baseline loop.
 */
async function endToEnd(
  files: readonly string[],
  cores: number,
  algo: string,
  variants: readonly (number | undefined)[] = [undefined],
): Promise<EndToEndRow[]> {
  const best = variants.map(() => Infinity);
  const bestCpu = variants.map(() => Infinity);
  for (let r = 0; r <= repeats; r++)
    for (const [v, batchFiles] of variants.entries()) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      if (batchFiles === FILE_BY_FILE) await fileByFile(files);
      else
        for await (const row of hashFiles(files, { algos: [algo], jobs: cores, batchFiles }))
          if (row.error) throw new Error(`${row.file}: ${row.error}`);
      const cpu = process.cpuUsage(cpu0);
      if (r > 0) {
        best[v] = Math.min(best[v]!, performance.now() - t0);
        bestCpu[v] = Math.min(bestCpu[v]!, (cpu.user + cpu.system) / 1000);
      }
    }
  return variants.map((batchFiles, v) => ({
    cores,
    algo: algo.startsWith('neural:') ? `neural, ${variantName(batchFiles)}` : algo,
    imagesPerSecond: (files.length * 1000) / best[v]!,
    cpuMsPerImage: bestCpu[v]! / files.length,
  }));
}

async function child(cores: number): Promise<void> {
  sharp.concurrency(cores);
  const files = await listImageFiles([dir]);
  const images = await Promise.all(files.slice(0, count).map((f) => decodeImage(f)));
  const rows: SweepRow[] = [];
  if (!e2eOnly) for (const batch of BATCHES) rows.push(await sweep(images, cores, batch));
  const ends: EndToEndRow[] = [];
  ends.push(...(await endToEnd(files, cores, `neural:${card}`, [FILE_BY_FILE, 1, undefined])));
  if (!e2eOnly) for (const algo of ['pdq', 'phash']) ends.push(...(await endToEnd(files, cores, algo)));
  process.stdout.write(JSON.stringify({ rows, ends, images: images.length, files: files.length }) + '\n');
}

function runChild(cores: number): { rows: SweepRow[]; ends: EndToEndRow[]; images: number; files: number } {
  const cpus = cores === 1 ? '0' : '0,1';
  const args = [
    '--import',
    'tsx',
    join(import.meta.dirname, 'neural.ts'),
    '--child',
    String(cores),
    '--card',
    card,
    '--dir',
    dir,
    '--count',
    String(count),
    '--repeats',
    String(repeats),
    ...(e2eOnly ? ['--e2e-only'] : []),
  ];
  const pinned = existsSync('/usr/bin/taskset');
  const r = spawnSync(
    pinned ? '/usr/bin/taskset' : process.execPath,
    pinned ? ['-c', cpus, process.execPath, ...args] : args,
    {
      encoding: 'utf8',
      env: { ...process.env, UV_THREADPOOL_SIZE: String(Math.max(cores, 2)), NODE_OPTIONS: '' },
      maxBuffer: 1 << 24,
    },
  );
  if (r.status !== 0) throw new Error(`bench child (${cores} cores) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const childCores = argValue('child');
if (childCores !== undefined) {
  await child(Number(childCores));
} else {
  const results = [runChild(1), runChild(2)];
  process.stdout.write(
    `neural: ${card}, ${results[0]!.images} images from ${dir}, best of ${repeats}; cores pinned with taskset; ` +
      `intra-op threads = sharp concurrency = cores; load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}\n\n`,
  );
  const table: string[][] = [
    ['cores', 'batch', 'images/s', 'preprocess ms/img', 'inference ms/img', 'preprocess share', 'inference share'],
  ];
  for (const { rows, images } of results) {
    for (const r of rows) {
      const total = r.preprocessMs + r.inferenceMs + r.bitsMs;
      table.push([
        String(r.cores),
        String(r.batch),
        fmt((images * 1000) / total),
        fmt(r.preprocessMs / images, 2),
        fmt(r.inferenceMs / images, 2),
        `${fmt((100 * r.preprocessMs) / total, 0)}%`,
        `${fmt((100 * r.inferenceMs) / total, 0)}%`,
      ]);
    }
  }
  printTable(table);
  process.stdout.write(
    `\nend to end over all ${results[0]!.files} images (decode + hash with scanlab hash's hashFiles, worker start-up included ` +
      'except the neural model thread, which like a session is started once per process; 2 cores = --jobs 2: neural ' +
      'decoded here with the model in a thread of its own, PDQ and pHash in 2 worker threads; CPU: all threads)\n\n',
  );
  const ends: string[][] = [
    ['algo', '1 core images/s', '2 cores images/s', 'ratio', '1 core CPU ms/img', '2 cores CPU ms/img'],
  ];
  for (const [i, e] of results[0]!.ends.entries()) {
    const two = results[1]!.ends[i]!;
    ends.push([
      e.algo,
      fmt(e.imagesPerSecond),
      fmt(two.imagesPerSecond),
      `${fmt(two.imagesPerSecond / e.imagesPerSecond, 2)}x`,
      fmt(e.cpuMsPerImage, 2),
      fmt(two.cpuMsPerImage, 2),
    ]);
  }
  printTable(ends);
  const ratio = (r: { ends: EndToEndRow[] }, of: number): string =>
    `${fmt(r.ends[2]!.imagesPerSecond / r.ends[of]!.imagesPerSecond, 2)}x`;
  process.stdout.write(
    `\nscanlab hash --algo neural, batched: ${ratio(results[0]!, 0)} the baseline and ${ratio(results[0]!, 1)} one image ` +
      `per call on 1 core; ${ratio(results[1]!, 0)} and ${ratio(results[1]!, 1)} on 2 cores (same run); load average ` +
      `${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}\n`,
  );
}
