// Benchmark of exact Hamming search at database scale: MIH index vs linear scan on random and clustered PDQ-sized
// databases. `npm run bench -- match [--sizes 1e5,1e6,1e7] [--queries 1000] [--radius 31] [--kinds uniform,clustered]`
//
// Per database: index build time, memory per entry (typed-array bytes and RSS growth), single-thread p50/p99
// latency and queries/s, queries/s on 2 worker threads sharing the index, and the linear scan measured in the same
// run (comparisons/s per core, queries/s on 1 and 2 cores). Every MIH answer of the linear-scan sample is checked
// against the linear scan. Data come from a seeded PRNG, so runs are repeatable.
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { scanRadiusBatch } from '../src/match/linear-scan.js';
import { buildIndex, indexBytes, IndexSearcher, type MatchIndex } from '../src/match/match-index.js';
import { mihCost, linearCost } from '../src/match/mih-plan.js';
import { MatchBuffer } from '../src/match/results.js';
import { clusteredHashes, nearDuplicate, randomHashes, randomQuery } from '../src/match/synthetic.js';
import { createPrng } from '../src/util/prng.js';
import { argValue, fmt, printTable } from './_util.js';

const NBITS = 256;
const CENTRES = 4096;
const MAX_FLIPS = 64;
/** Linear-scan work per database: queries × entries up to this many comparisons (at least 8 queries). */
const LINEAR_BUDGET = 1e9;

type Method = 'mih' | 'linear';

interface WorkerJob {
  index: MatchIndex;
  queries: Int32Array;
  from: number;
  to: number;
  radius: number;
  method: Method;
}

/** Answers `queries[from..to)` one at a time (MIH) or as one batch (linear); returns the matches found. A worker runs its range once to warm up, then once timed. */
function runQueries(job: WorkerJob): number {
  const { index, queries, from, to, radius, method } = job;
  const words = index.list.hashes.words;
  if (method === 'linear') {
    return scanRadiusBatch(index.list.hashes, queries.subarray(from * words, to * words), radius).reduce(
      (s, r) => s + r.length,
      0,
    );
  }
  const searcher = new IndexSearcher(index, { method: 'mih' });
  const out = new MatchBuffer();
  let found = 0;
  for (let q = from; q < to; q++) {
    out.clear();
    searcher.radiusInto(queries.subarray(q * words, (q + 1) * words), radius, out);
    found += out.length;
  }
  return found;
}

/** Starts this module as a worker; under tsx the worker first registers tsx's loader, which Node does not pass on. */
function startWorker(workerData: WorkerJob): Worker {
  const url = new URL(import.meta.url);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const tsx = pathToFileURL(
    join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs'),
  ).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/** Queries/s with the query range split over `threads` worker threads that share the index's memory. */
async function parallelQps(job: Omit<WorkerJob, 'from' | 'to'>, count: number, threads: number): Promise<number> {
  const workers = Array.from({ length: threads }, (_, t) => {
    const from = Math.floor((t * count) / threads);
    const to = Math.floor(((t + 1) * count) / threads);
    return startWorker({ ...job, from, to });
  });
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  const t0 = performance.now();
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve) => {
          w.once('message', resolve);
          w.postMessage('go');
        }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(workers.map((w) => w.terminate()));
  return count / seconds;
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

interface Row {
  kind: string;
  n: number;
  layout: string;
  buildS: number;
  indexBytes: number;
  rssBytes: number;
  p50: number;
  p99: number;
  qps1: number;
  qps2: number;
  matches: number;
  linearQueries: number;
  linearQps1: number;
  linearQps2: number;
  comparisonsPerCore: number;
  exact: boolean;
  planAt63: string;
}

async function measure(kind: string, n: number, queryCount: number, radius: number, seed: number): Promise<Row> {
  const rng = createPrng(seed);
  collectGarbage();
  const rss0 = process.memoryUsage().rss;
  const hashes =
    kind === 'clustered'
      ? clusteredHashes(n, NBITS, { centres: CENTRES, maxFlips: MAX_FLIPS }, rng, true)
      : randomHashes(n, NBITS, rng, true);
  const t0 = performance.now();
  const index = buildIndex({ algo: 'pdq', hashes, ids: null, columns: [] }, { radius, shared: true });
  const buildS = (performance.now() - t0) / 1000;
  collectGarbage();
  const rssBytes = (process.memoryUsage().rss - rss0) / n;
  const bytes = indexBytes(index);

  const words = hashes.words;
  const queries = new Int32Array(new SharedArrayBuffer(queryCount * words * 4));
  for (let q = 0; q < queryCount; q++) {
    const words32 =
      q % 2 === 0 ? nearDuplicate(hashes, rng.nextInt(n), rng.nextInt(radius + 1), rng) : randomQuery(NBITS, rng);
    queries.set(words32, q * words);
  }

  const searcher = new IndexSearcher(index, { method: 'mih' });
  const out = new MatchBuffer();
  for (let q = 0; q < Math.min(queryCount, 50); q++)
    searcher.radiusInto(queries.subarray(q * words, (q + 1) * words), radius, out);
  const latencies: number[] = [];
  let matches = 0;
  const tAll = performance.now();
  for (let q = 0; q < queryCount; q++) {
    const tq = performance.now();
    out.clear();
    searcher.radiusInto(queries.subarray(q * words, (q + 1) * words), radius, out);
    latencies.push(performance.now() - tq);
    matches += out.length;
  }
  const qps1 = queryCount / ((performance.now() - tAll) / 1000);
  latencies.sort((a, b) => a - b);
  const qps2 = await parallelQps({ index, queries, radius, method: 'mih' }, queryCount, 2);

  const linearQueries = Math.max(8, Math.min(queryCount, Math.floor(LINEAR_BUDGET / n)));
  const sample = queries.subarray(0, linearQueries * words);
  const tLin = performance.now();
  const linear = scanRadiusBatch(hashes, sample, radius);
  const linearS = (performance.now() - tLin) / 1000;
  const linearQps2 = await parallelQps({ index, queries: sample, radius, method: 'linear' }, linearQueries, 2);
  const exact = linear.every(
    (expected, q) =>
      JSON.stringify(searcher.radius(sample.subarray(q * words, (q + 1) * words), radius)) === JSON.stringify(expected),
  );

  const tables = index.tables;
  const layout = tables.length === 0 ? 'linear' : `${tables.length}×${tables[0]!.width}`;
  const planAt63 = tables.length === 0 ? 'linear' : mihCost(n, tables, 63) < linearCost(n, NBITS) ? 'mih' : 'linear';
  return {
    kind,
    n,
    layout,
    buildS,
    indexBytes: (bytes.hashes + bytes.tables) / n,
    rssBytes,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    qps1,
    qps2,
    matches: matches / queryCount,
    linearQueries,
    linearQps1: linearQueries / linearS,
    linearQps2,
    comparisonsPerCore: (linearQueries * n) / linearS,
    exact,
    planAt63,
  };
}

async function main(): Promise<void> {
  const sizes = (argValue('sizes') ?? '1e5,1e6,1e7').split(',').map(Number);
  const queryCount = Number(argValue('queries') ?? 1000);
  const radius = Number(argValue('radius') ?? 31);
  const kinds = (argValue('kinds') ?? 'uniform,clustered').split(',');
  const seed = Number(argValue('seed') ?? 1);
  process.stdout.write(
    `match benchmark: ${NBITS}-bit hashes, radius ${radius}, ${queryCount} queries (half planted near-duplicates with 0..${radius} flipped bits, half random); ` +
      `clustered = ${CENTRES} centres, 0..${MAX_FLIPS} bits flipped per entry; seed ${seed}; Node ${process.version}; load average at start ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n\n`,
  );
  const rows: Row[] = [];
  // Sizes outermost, so memory freed by a larger earlier run does not show up as negative RSS growth.
  for (const n of sizes) for (const kind of kinds) rows.push(await measure(kind, n, queryCount, radius, seed));
  rows.sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || a.n - b.n);
  printTable([
    [
      'data',
      'entries',
      'tables',
      'build s',
      'B/entry',
      'RSS B/entry',
      'p50 ms',
      'p99 ms',
      'q/s 1 core',
      'q/s 2 cores',
      'matches/q',
      'linear q/s 1',
      'linear q/s 2',
      'cmp/s/core',
      'speed-up',
      'exact',
      'r=63 plan',
    ],
    ...rows.map((r) => [
      r.kind,
      r.n.toExponential(0).replace('+', ''),
      r.layout,
      fmt(r.buildS),
      fmt(r.indexBytes),
      fmt(r.rssBytes),
      fmt(r.p50, 3),
      fmt(r.p99, 3),
      fmt(r.qps1, 0),
      fmt(r.qps2, 0),
      fmt(r.matches),
      fmt(r.linearQps1, 1),
      fmt(r.linearQps2, 1),
      `${fmt(r.comparisonsPerCore / 1e6, 0)}M`,
      `${fmt(r.qps1 / r.linearQps1, 0)}×`,
      r.exact ? `yes (${r.linearQueries})` : 'NO',
      r.planAt63,
    ]),
  ]);
  process.stdout.write(
    `\nload average at end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
}

if (!isMainThread) {
  const job = workerData as WorkerJob;
  runQueries(job);
  parentPort!.postMessage('ready');
  parentPort!.once('message', () => {
    const found = runQueries(job);
    parentPort!.postMessage(found);
  });
} else {
  await main();
}
