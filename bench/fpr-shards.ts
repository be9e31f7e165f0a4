// The large-FPR recipe measured on one machine: N synthetic 256-bit hashes (seeded, so every shard process builds
// the same list), the pair matrix cut into blocks and computed by S shard processes one after another (each with its
// own store, as on a cluster), then the blocks summed. Prints pairs/s per core, peak memory per shard, and core-hours
// extrapolated to 10^6 and 10^7 images. Baseline in the same run: the JavaScript kernel on one block.
//
//   npm run bench -- fpr-shards [--hashes 200000] [--shards 8] [--parallel 1]   (shard processes at a time)
//   (internally: --shard-worker i/S DIR runs one shard)
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  allPairsHistogram,
  balancedRanges,
  crossGroupPairCount,
  type GroupedHashes,
} from '../src/eval/pair-distances.js';
import { blockedAllPairs, pairBlockCount, type PairBlock } from '../src/eval/pair-blocks.js';
import { RunStore } from '../src/eval/store.js';
import { randomHashes } from '../src/match/synthetic.js';
import { createPrng } from '../src/util/prng.js';
import { parseShard } from '../src/util/shard.js';
import { argValue, fmt, printTable } from './_util.js';

const n = Number(argValue('hashes') ?? 200_000);
const shards = Number(argValue('shards') ?? 8);
const parallel = Number(argValue('parallel') ?? 1);
const execFileAsync = promisify(execFile);

function syntheticHashes(): GroupedHashes {
  const packed = randomHashes(n, 256, createPrng(20261201));
  return { packed, group: Int32Array.from({ length: n }, (_, i) => i) };
}

const worker = argValue('shard-worker');
if (worker !== undefined) {
  const shard = parseShard(worker);
  const dir = process.argv[process.argv.indexOf('--shard-worker') + 2]!;
  const g = syntheticHashes();
  const store = RunStore.open(join(dir, `shard-${shard.index}.sqlite`));
  const run = store.createRun({ kind: 'fpr-bench', config: { n }, seed: 20261201 });
  const t0 = performance.now();
  const { counts } = await blockedAllPairs(g, { store, runId: run.id, table: 'pairs:synthetic', shard }, 1);
  const seconds = (performance.now() - t0) / 1000;
  store.close();
  const pairs = counts.reduce((s, c) => s + c, 0);
  process.stdout.write(JSON.stringify({ pairs, seconds, rssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
  process.exit(0);
}

const g = syntheticHashes();
const population = crossGroupPairCount(g);
const blocks = pairBlockCount(population, n, shards);
process.stdout.write(
  `fpr-shards: ${n} synthetic 256-bit hashes, ${(population / 1e9).toFixed(2)} G pairs, ${blocks} blocks, ${shards} shards, ${parallel} process(es) at a time\n\n`,
);

const [from, to] = balancedRanges(g, blocks)[0]!;
process.env.SCANLAB_NO_WASM = '1';
let t0 = performance.now();
const jsCounts = allPairsHistogram(g, from, to);
const jsRate = jsCounts.reduce((s, c) => s + c, 0) / ((performance.now() - t0) / 1000);
delete process.env.SCANLAB_NO_WASM;
t0 = performance.now();
const wasmCounts = allPairsHistogram(g, from, to);
const wasmRate = wasmCounts.reduce((s, c) => s + c, 0) / ((performance.now() - t0) / 1000);
if (JSON.stringify(jsCounts) !== JSON.stringify(wasmCounts)) throw new Error('kernels disagree');

const dir = mkdtempSync(join(tmpdir(), 'scanlab-fpr-shards-'));
const self = fileURLToPath(import.meta.url);
const rows: string[][] = [['shard', 'pairs (G)', 'seconds', 'M pairs/s', 'peak RSS MB']];
let totalPairs = 0;
let totalSeconds = 0;
let peak = 0;
/** Runs one shard as its own process (as a cluster task would) and returns what it measured. */
async function runShard(i: number): Promise<{ pairs: number; seconds: number; rssMb: number }> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--import', 'tsx', self, '--hashes', String(n), '--shard-worker', `${i}/${shards}`, dir],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { pairs: number; seconds: number; rssMb: number };
}
const results: { pairs: number; seconds: number; rssMb: number }[] = [];
const wallStart = performance.now();
for (let first = 0; first < shards; first += parallel)
  results.push(
    ...(await Promise.all(Array.from({ length: Math.min(parallel, shards - first) }, (_, k) => runShard(first + k)))),
  );
const wallSeconds = (performance.now() - wallStart) / 1000;
results.forEach((out, i) => {
  totalPairs += out.pairs;
  totalSeconds += out.seconds;
  peak = Math.max(peak, out.rssMb);
  rows.push([
    String(i),
    fmt(out.pairs / 1e9, 3),
    fmt(out.seconds),
    fmt(out.pairs / out.seconds / 1e6),
    fmt(out.rssMb, 0),
  ]);
});
const merged = new Array<number>(257).fill(0);
for (let i = 0; i < shards; i++) {
  const store = RunStore.open(join(dir, `shard-${i}.sqlite`));
  for (const run of store.listRuns())
    for (const { value } of store.getResults<PairBlock>(run.id, 'pairs:synthetic'))
      value.counts.forEach((c, d) => (merged[d]! += c));
  store.close();
}
rmSync(dir, { recursive: true, force: true });
printTable(rows);
const rate = totalPairs / totalSeconds;
const mergedPairs = merged.reduce((s, c) => s + c, 0);
const coreHours = (images: number) => (images * (images - 1)) / 2 / rate / 3600;
process.stdout.write(
  `\nmerged blocks: ${mergedPairs} pairs (population ${population}: ${mergedPairs === population ? 'complete' : 'MISSING PAIRS'})\n` +
    `kernel on one block, same run: WebAssembly ${fmt(wasmRate / 1e6)} M pairs/s vs JavaScript ${fmt(jsRate / 1e6)} M pairs/s (${fmt(wasmRate / jsRate, 2)}x); target 150 M/s/core\n` +
    `wall time for all shards, ${parallel} at a time: ${fmt(wallSeconds)} s\n` +
    `shards: ${fmt(rate / 1e6)} M pairs/s per core over all shards, peak RSS per shard ${fmt(peak, 0)} MB (hashes ${fmt((n * 32) / 1e6)} MB)\n` +
    `extrapolated at this rate, one 256-bit algorithm: 10^6 images ${fmt(coreHours(1e6), 2)} core-hours, 10^7 images ${fmt(coreHours(1e7), 0)} core-hours\n`,
);
