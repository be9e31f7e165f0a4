// Benchmark of exact Hamming search at database scale: MIH index vs linear scan on random and clustered PDQ-sized
// databases. `npm run bench -- match [--sizes 1e5,1e6,1e7] [--queries 1000] [--radius 31] [--kinds uniform,clustered]
// [--pages both|4k|huge] [--jobs 2]`
//
// Per database: index build time, memory per entry (typed-array bytes and RSS growth), single-thread p50/p99
// latency, CPU time per query and queries/s, queries/s from `--jobs` worker threads sharing the index (MatchWorkers),
// and the linear scan measured in the same run (comparisons/s per core, queries/s on one core). Every MIH answer of
// the linear-scan sample, from this thread and from the workers, is checked against the linear scan. With
// `--pages both` (the default) each size runs twice, in two child processes one after the other: with 4 KiB pages
// and with transparent huge pages (glibc's malloc tunable), whose ratio the last table prints. Data come from a
// seeded PRNG, so every process sees the same databases and queries.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { scanRadiusBatch } from '../src/match/linear-scan.js';
import { buildIndex, indexBytes, IndexSearcher } from '../src/match/match-index.js';
import { MatchWorkers } from '../src/match/match-workers.js';
import { mihCost, linearCost } from '../src/match/mih-plan.js';
import { MatchBuffer } from '../src/match/results.js';
import { clusteredHashes, nearDuplicate, randomHashes, randomQuery } from '../src/match/synthetic.js';
import { hugePageBytes, hugePagesRequested, withHugePages } from '../src/util/huge-pages.js';
import { createPrng } from '../src/util/prng.js';
import { argValue, fmt, printTable } from './_util.js';

const NBITS = 256;
const CENTRES = 4096;
const MAX_FLIPS = 64;
/** Linear-scan work per database: queries × entries up to this many comparisons (at least 8 queries). */
const LINEAR_BUDGET = 1e9;
/** Marks the machine-readable result line a child process prints for the parent. */
const RESULT_TAG = 'MATCH-BENCH-ROW ';

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const loadNow = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

interface Row {
  kind: string;
  n: number;
  pages: string;
  hugeMB: number | null;
  layout: string;
  buildS: number;
  indexBytes: number;
  rssBytes: number;
  p50: number;
  p99: number;
  cpuUs: number;
  qps1: number;
  qpsJobs: number;
  matches: number;
  linearQueries: number;
  linearQps1: number;
  comparisonsPerCore: number;
  exact: boolean;
  planAt63: string;
  load: string;
}

async function measure(kind: string, n: number, queryCount: number, radius: number, jobs: number): Promise<Row> {
  const rng = createPrng(Number(argValue('seed') ?? 1));
  const loadStart = loadavg()[0]!.toFixed(1);
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
  const queries = new Int32Array(queryCount * words);
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
  const cpu0 = process.cpuUsage();
  const tAll = performance.now();
  for (let q = 0; q < queryCount; q++) {
    const tq = performance.now();
    out.clear();
    searcher.radiusInto(queries.subarray(q * words, (q + 1) * words), radius, out);
    latencies.push(performance.now() - tq);
    matches += out.length;
  }
  const qps1 = queryCount / ((performance.now() - tAll) / 1000);
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);

  const workers = MatchWorkers.start(index, jobs, { method: 'mih' });
  await workers.radius(queries, radius);
  const tJobs = performance.now();
  const fromWorkers = await workers.radius(queries, radius);
  const qpsJobs = queryCount / ((performance.now() - tJobs) / 1000);
  await workers.close();

  const linearQueries = Math.max(8, Math.min(queryCount, Math.floor(LINEAR_BUDGET / n)));
  const sample = queries.subarray(0, linearQueries * words);
  const tLin = performance.now();
  const linear = scanRadiusBatch(hashes, sample, radius);
  const linearS = (performance.now() - tLin) / 1000;
  const exact = linear.every((expected, q) => {
    const want = JSON.stringify(expected);
    const mine = JSON.stringify(searcher.radius(sample.subarray(q * words, (q + 1) * words), radius));
    return mine === want && JSON.stringify(fromWorkers[q]) === want;
  });

  const tables = index.tables;
  const huge = hugePageBytes();
  return {
    kind,
    n,
    pages: hugePagesRequested(process.env) ? 'huge' : '4k',
    hugeMB: huge === null ? null : huge / 2 ** 20,
    layout: tables.length === 0 ? 'linear' : `${tables.length}×${tables[0]!.width}`,
    buildS,
    indexBytes: (bytes.hashes + bytes.tables) / n,
    rssBytes,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    cpuUs: (cpu.user + cpu.system) / queryCount,
    qps1,
    qpsJobs,
    matches: matches / queryCount,
    linearQueries,
    linearQps1: linearQueries / linearS,
    comparisonsPerCore: (linearQueries * n) / linearS,
    exact,
    planAt63: tables.length === 0 ? 'linear' : mihCost(n, tables, 63) < linearCost(n, NBITS) ? 'mih' : 'linear',
    load: `${loadStart} → ${loadavg()[0]!.toFixed(1)}`,
  };
}

/** Runs one size and kind in a child process, with or without huge pages; returns its row. */
function measureInChild(kind: string, n: number, pages: 'huge' | '4k'): Row {
  const args = process.argv.slice(2).filter((_, i, all) => all[i - 1] !== '--sizes' && all[i - 1] !== '--kinds');
  const own = args.filter((a, i) => a !== '--sizes' && a !== '--kinds' && a !== '--pages' && args[i - 1] !== '--pages');
  const env = pages === 'huge' ? withHugePages(process.env) : { ...process.env, GLIBC_TUNABLES: '' };
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      ...own,
      '--sizes',
      String(n),
      '--kinds',
      kind,
      '--pages',
      'child',
    ],
    { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_TAG));
  if (child.status !== 0 || !line) throw new Error(`benchmark child (${kind} ${n} ${pages}) failed: ${child.status}`);
  return JSON.parse(line.slice(RESULT_TAG.length)) as Row;
}

function printRows(rows: readonly Row[], jobs: number): void {
  printTable([
    [
      'data',
      'entries',
      'pages',
      'tables',
      'build s',
      'B/entry',
      'RSS B/entry',
      'p50 ms',
      'p99 ms',
      'CPU µs/q',
      'q/s 1 thread',
      `q/s ${jobs} workers`,
      'matches/q',
      'linear q/s 1',
      'cmp/s/core',
      'speed-up',
      'exact',
      'r=63 plan',
      'load (1 min)',
    ],
    ...rows.map((r) => [
      r.kind,
      r.n.toExponential(0).replace('+', ''),
      r.hugeMB === null ? r.pages : `${r.pages} (${fmt(r.hugeMB, 0)} MB)`,
      r.layout,
      fmt(r.buildS),
      fmt(r.indexBytes),
      fmt(r.rssBytes),
      fmt(r.p50, 3),
      fmt(r.p99, 3),
      fmt(r.cpuUs, 0),
      fmt(r.qps1, 0),
      fmt(r.qpsJobs, 0),
      fmt(r.matches),
      fmt(r.linearQps1, 1),
      `${fmt(r.comparisonsPerCore / 1e6, 0)}M`,
      `${fmt(r.qps1 / r.linearQps1, 0)}×`,
      r.exact ? `yes (${r.linearQueries})` : 'NO',
      r.planAt63,
      r.load,
    ]),
  ]);
}

async function main(): Promise<void> {
  const sizes = (argValue('sizes') ?? '1e5,1e6,1e7').split(',').map(Number);
  const queryCount = Number(argValue('queries') ?? 1000);
  const radius = Number(argValue('radius') ?? 31);
  const kinds = (argValue('kinds') ?? 'uniform,clustered').split(',');
  const pages = argValue('pages') ?? 'both';
  const jobs = Number(argValue('jobs') ?? 2);
  if (pages === 'child') {
    const row = await measure(kinds[0]!, sizes[0]!, queryCount, radius, jobs);
    process.stdout.write(`${RESULT_TAG}${JSON.stringify(row)}\n`);
    return;
  }
  if (!['both', '4k', 'huge'].includes(pages)) throw new Error('--pages must be both, 4k or huge');
  process.stdout.write(
    `match benchmark: ${NBITS}-bit hashes, radius ${radius}, ${queryCount} queries (half planted near-duplicates with 0..${radius} flipped bits, half random); ` +
      `clustered = ${CENTRES} centres, 0..${MAX_FLIPS} bits flipped per entry; pages ${pages}; ${jobs} workers; Node ${process.version}; load average at start ${loadNow()}\n\n`,
  );
  const modes: ('4k' | 'huge')[] = pages === 'both' ? ['4k', 'huge'] : [pages as '4k' | 'huge'];
  const rows: Row[] = [];
  // Each measurement in a fresh process: its RSS growth is its own, and the page size is fixed when a process starts.
  for (const n of sizes) for (const kind of kinds) for (const mode of modes) rows.push(measureInChild(kind, n, mode));
  rows.sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || a.n - b.n);
  printRows(rows, jobs);
  if (modes.length === 2) {
    process.stdout.write('\nhuge pages ÷ 4 KiB pages (same data and queries, measured one after the other):\n');
    const pairs = rows.filter((r) => r.pages === 'huge');
    printTable([
      ['data', 'entries', 'p50', 'CPU per query', `q/s ${jobs} workers`],
      ...pairs.map((h) => {
        const k = rows.find((r) => r.pages === '4k' && r.kind === h.kind && r.n === h.n)!;
        return [
          h.kind,
          h.n.toExponential(0).replace('+', ''),
          fmt(h.p50 / k.p50, 2),
          fmt(h.cpuUs / k.cpuUs, 2),
          fmt(h.qpsJobs / k.qpsJobs, 2),
        ];
      }),
    ]);
  }
  process.stdout.write(`\nload average at end ${loadNow()}\n`);
}

await main();
