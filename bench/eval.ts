// Benchmark of the evaluation engine: pair-distance throughput for FPR histograms (the WebAssembly and JavaScript
// kernels on one thread, two workers, against a naive byte-wise kernel measured in the same run) and the end-to-end
// robustness run on the bundled sample.
//
//   npm run bench -- eval [--hashes N] [--skip-e2e] [--jobs N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { samplePath } from '../src/dataset/sample.js';
import { hammingBytes } from '../src/hash/hamming.js';
import { builtinAlgorithms } from '../src/hash/registry.js';
import type { Hash } from '../src/hash/types.js';
import { allPairsHistogram, crossGroupPairCount, groupHashes } from '../src/eval/pair-distances.js';
import { parallelAllPairs } from '../src/eval/pair-histogram.js';
import { robustnessConfig, runRobustness } from '../src/eval/robustness.js';
import { RunStore } from '../src/eval/store.js';
import { createPrng } from '../src/util/prng.js';
import { argValue, bestOf, fmt, printTable } from './_util.js';

const n = Number(argValue('hashes') ?? 16000);
const jobs = Number(argValue('jobs') ?? 2);
const rng = createPrng(42);

function randomHashes(nbits: number): Hash[] {
  return Array.from({ length: n }, () => {
    const bits = new Uint8Array(nbits / 8);
    for (let i = 0; i < bits.length; i++) bits[i] = rng.nextInt(256);
    return { algo: 'x', nbits, bits };
  });
}

process.stdout.write(
  `eval benchmark: ${n} random hashes (${((n * (n - 1)) / 2 / 1e6).toFixed(1)} M pairs), best of 3\n\n`,
);
const rows: string[][] = [['kernel', 'bits', 'M pairs/s', 'ratio', 'note']];
for (const nbits of [256, 64]) {
  const hashes = randomHashes(nbits);
  const packed = groupHashes(
    hashes,
    hashes.map((_, i) => i),
  );
  const pairs = crossGroupPairCount(packed);
  const naiveN = Math.min(n, 2000);
  const naiveMs = await bestOf(3, () => {
    let s = 0;
    for (let i = 0; i < naiveN; i++)
      for (let j = i + 1; j < naiveN; j++) s += hammingBytes(hashes[i]!.bits, hashes[j]!.bits);
    return s;
  });
  const naiveRate = (naiveN * (naiveN - 1)) / 2 / naiveMs / 1000;
  process.env.SCANLAB_NO_WASM = '1';
  const jsMs = await bestOf(3, () => allPairsHistogram(packed));
  delete process.env.SCANLAB_NO_WASM;
  const oneMs = await bestOf(3, () => allPairsHistogram(packed));
  const twoMs = await bestOf(3, () => parallelAllPairs(packed, jobs));
  rows.push(['naive byte-wise hammingBytes', String(nbits), fmt(naiveRate), '1.00', `${naiveN} hashes`]);
  rows.push([
    'allPairsHistogram, JavaScript kernel, 1 thread',
    String(nbits),
    fmt(pairs / jsMs / 1000),
    fmt(pairs / jsMs / 1000 / naiveRate, 2),
    'SCANLAB_NO_WASM=1',
  ]);
  rows.push([
    'allPairsHistogram, WebAssembly kernel, 1 thread',
    String(nbits),
    fmt(pairs / oneMs / 1000),
    fmt(pairs / oneMs / 1000 / naiveRate, 2),
    `${fmt(jsMs / oneMs, 2)}x the JavaScript kernel (target 150 M/s/core at 256 bits)`,
  ]);
  // Worker start-up (thread creation and, from source, tsx compiling the modules) measured alone on a tiny input.
  const tiny = groupHashes(hashes.slice(0, 4), [0, 1, 2, 3]);
  const startMs = await bestOf(3, () => parallelAllPairs(tiny, jobs));
  const workMs = Math.max(twoMs - startMs, 1e-3);
  rows.push([
    `parallelAllPairs, ${jobs} workers`,
    String(nbits),
    fmt(pairs / twoMs / 1000),
    fmt(pairs / twoMs / 1000 / naiveRate, 2),
    `${fmt(oneMs / twoMs, 2)}x one thread, start-up included`,
  ]);
  rows.push([
    `  less worker start-up (${fmt(startMs, 0)} ms)`,
    String(nbits),
    fmt(pairs / workMs / 1000),
    fmt(pairs / workMs / 1000 / naiveRate, 2),
    `${fmt(oneMs / workMs, 2)}x one thread`,
  ]);
}
printTable(rows);

if (!process.argv.includes('--skip-e2e')) {
  const dir = mkdtempSync(join(tmpdir(), 'scanlab-bench-eval-'));
  const store = RunStore.open(join(dir, 'runs.sqlite'));
  const config = robustnessConfig({
    dataset: samplePath(),
    algos: builtinAlgorithms(),
  });
  const t0 = performance.now();
  const { summary } = await runRobustness(config, { store, jobs });
  const secs = (performance.now() - t0) / 1000;
  store.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(
    `\nrobustness end to end: ${summary.items} images x ${summary.transforms.length} transforms x ${Object.keys(summary.algos).length} algorithms, ` +
      `--jobs ${jobs}: ${secs.toFixed(1)} s (target 300 s)\n`,
  );
}
