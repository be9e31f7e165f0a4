// Benchmark: the PSI servers' database setup on one thread against worker threads, in the same run — tpsi-ad's table
// (α·H(y) per entry, H(seed) per empty slot) and oprf-membership's Bloom filter (OPRF_k(y) per entry) — with the
// published bytes checked equal, the CPU time per entry, and 10^6 entries extrapolated as a band from the largest
// measured size: CPU time / jobs (what idle cores would take) to the wall time measured here (on a loaded machine).
//
//   npm run bench -- psi-setup [--sizes 10000,100000] [--jobs 1,2] [--backends ristretto255/sodium-wasm,...]
//                              [--protocols tpsi-ad,...] [--seeded 0]   (--seeded 0: fill seeds from the CSPRNG)
// Backends: ristretto255/sodium-wasm and ristretto255/sodium-native (libsodium's WebAssembly build and the system's
// shared library; the default is both, the native one where installed, with its speed-up over WebAssembly in the same
// run and its published bytes checked equal to WebAssembly's), ristretto255/noble, p256/noble.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { bloomParams } from '../src/psi/bloom.js';
import { createGroup } from '../src/psi/group/create.js';
import { nativeSodium } from '../src/psi/group/sodium-native.js';
import type { BackendName, GroupName, PrimeOrderGroup } from '../src/psi/group/group.js';
import { buildOprfFilter } from '../src/psi/oprf-database.js';
import { DEFAULT_TPSI_PARAMS } from '../src/psi/protocols/tpsi-ad/params.js';
import { setupTpsiServerInWorkers } from '../src/psi/protocols/tpsi-ad/server-setup.js';
import { runRandomness, seededRandom, systemRandom } from '../src/psi/random.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import { argValue, fmt, printTable } from './_util.js';

const sizes = (argValue('sizes') ?? argValue('size') ?? '10000,100000').split(',').map(Number);
const seeded = argValue('seeded') !== '0';
const jobsList = (argValue('jobs') ?? '1,2').split(',').map(Number);
const backendFilter = argValue('backends')?.split(',');
const protocols = (argValue('protocols') ?? 'tpsi-ad,oprf-membership').split(',');
interface BenchBackend {
  readonly group: GroupName;
  readonly backend: BackendName;
  /** For sodium: which libsodium build (SCANLAB_SODIUM, which worker threads inherit). */
  readonly build?: 'wasm' | 'native';
}
const label = (b: BenchBackend): string => `${b.group}/${b.backend}${b.build ? `-${b.build}` : ''}`;
const allBackends: BenchBackend[] = [
  { group: 'ristretto255', backend: 'sodium', build: 'wasm' },
  { group: 'ristretto255', backend: 'sodium', build: 'native' },
  { group: 'ristretto255', backend: 'noble' },
  { group: 'p256', backend: 'noble' },
];
const defaultBackends = ['ristretto255/sodium-wasm', ...(nativeSodium() ? ['ristretto255/sodium-native'] : [])];
const backends = allBackends.filter((b) => (backendFilter ?? defaultBackends).includes(label(b)));
if (backends.some((b) => b.build === 'native') && !nativeSodium())
  throw new Error('ristretto255/sodium-native: no system libsodium with ristretto255 (install libsodium23)');
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

const next = createPrng(0x5e7);
const databases = new Map(sizes.map((n) => [n, Array.from({ length: n }, () => randomBytesFrom(next, 38))]));
process.stdout.write(
  `psi-setup: ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, node ${process.version}; ${sizes.join(', ')} entries; ` +
    `tpsi-ad fill seeds ${seeded ? 'from the seeded stream (as psi run)' : 'from the CSPRNG'}; load average ${load()}\n\n`,
);

/** Wall-clock ms and a digest of what the setup publishes. */
async function timed(f: () => Promise<Uint8Array>): Promise<{ ms: number; cpuMs: number; published: string }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const bytes = await f();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, published: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Seeded runs publish the same bytes whatever the jobs. With CSPRNG seeds (cuckoo seed and fill seeds) only the
 * database's elements α·H(y) can be compared: entry by entry, in database order.
 */
function publishedTable(table: Uint8Array, slots: Int32Array, elementBytes: number): Uint8Array {
  if (seeded) return table;
  const out = new Uint8Array(slots.reduce((n, entry) => Math.max(n, entry + 1), 0) * elementBytes);
  slots.forEach((entry, w) => {
    if (entry >= 0) out.set(table.subarray(w * elementBytes, (w + 1) * elementBytes), entry * elementBytes);
  });
  return out;
}

async function setup(protocol: string, group: PrimeOrderGroup, size: number, jobs: number): Promise<Uint8Array> {
  const database = databases.get(size)!;
  if (protocol === 'tpsi-ad') {
    const random = seeded
      ? runRandomness(1, true)
      : { secret: seededRandom(1, 'secrets (not for deployment)'), simulation: systemRandom };
    const { publicData, table } = await setupTpsiServerInWorkers(group, database, DEFAULT_TPSI_PARAMS, {
      random,
      jobs,
    });
    return publishedTable(publicData.table, table.slots, group.elementBytes);
  }
  const key = group.hashToScalar(new Uint8Array([1]), new Uint8Array([2]));
  return (await buildOprfFilter(group, key, database, bloomParams(size, 1e-6), jobs)).data;
}

const rows: string[][] = [
  [
    'protocol',
    'backend',
    'entries',
    ...jobsList.map((j) => `${j} job${j > 1 ? 's' : ''} s (cpu s)`),
    'speed-up',
    'cpu µs/entry',
    'vs wasm (best wall)',
    'load',
    '~10^6 s (idle … here)',
  ],
];
/** The WebAssembly build's best wall-clock ms and published digest per protocol and size, for the native rows. */
const wasmBest = new Map<string, number>();
const wasmPublished = new Map<string, string>();
for (const b of backends) {
  if (b.build) process.env['SCANLAB_SODIUM'] = b.build;
  const group = await createGroup(b.group, b.backend);
  for (const protocol of protocols)
    for (const size of sizes) {
      const runs: { ms: number; cpuMs: number; published: string }[] = [];
      for (const jobs of jobsList) runs.push(await timed(() => setup(protocol, group, size, jobs)));
      if (new Set(runs.map((r) => r.published)).size !== 1)
        throw new Error(`${protocol} ${label(b)}: the setups published different bytes`);
      const bestMs = Math.min(...runs.map((r) => r.ms));
      const key = `${protocol} ${size}`;
      if (b.build === 'wasm') {
        wasmBest.set(key, bestMs);
        wasmPublished.set(key, runs[0]!.published);
      }
      const baseline = wasmBest.get(key);
      if (b.build === 'native' && wasmPublished.has(key) && wasmPublished.get(key) !== runs[0]!.published)
        throw new Error(`${protocol} ${size}: the native and WebAssembly builds published different bytes`);
      const idleMs = Math.min(...runs.map((r, i) => r.cpuMs / jobsList[i]!));
      const perEntryS = (ms: number): number => ((ms / size) * 1e6) / 1000;
      rows.push([
        protocol,
        label(b),
        String(size),
        ...runs.map((r) => `${fmt(r.ms / 1000, 1)} (${fmt(r.cpuMs / 1000, 1)})`),
        `${fmt(runs[0]!.ms / runs.at(-1)!.ms, 2)}×`,
        fmt((runs[0]!.cpuMs * 1000) / size, 0),
        baseline === undefined || b.build === 'wasm' ? '' : `${fmt(baseline / bestMs, 2)}×`,
        loadavg()[0]!.toFixed(1),
        `~${fmt(perEntryS(idleMs), 0)} … ${fmt(perEntryS(bestMs), 0)}`,
      ]);
      process.stderr.write(`  done ${protocol} ${label(b)} ${size}\n`);
    }
}
printTable(rows);
process.stdout.write(
  `\nspeed-up = first jobs column / last (wall clock); cpu = CPU time of the whole process, workers included (worker ` +
    `start-up too); cpu µs/entry from the one-thread run; load = 1-minute load average after the row: with more runnable ` +
    `threads than cores, wall time stretches and 2 workers get little more than 1. "~10^6" = linear extrapolation from ` +
    `the row's per-entry rate, from the least CPU time / jobs (idle cores, if CPU time were what it is under this load; ` +
    `the serial cuckoo build counted as parallel) to the best wall time of this run. load average at the end ${load()}\n`,
);
