// Benchmark: the PSI servers' database setup on one thread against worker threads, in the same run — tpsi-ad's table
// (α·H(y) per entry, H(seed) per empty slot) and oprf-membership's Bloom filter (OPRF_k(y) per entry) — with the
// published bytes checked equal, and 10^6 entries extrapolated linearly from the measured per-entry rate ("~").
//
//   npm run bench -- psi-setup [--size 100000] [--jobs 1,2] [--backends ristretto255/sodium,...] [--protocols tpsi-ad,...]
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { bloomParams } from '../src/psi/bloom.js';
import { createGroup } from '../src/psi/group/create.js';
import type { BackendName, GroupName } from '../src/psi/group/group.js';
import { buildOprfFilter } from '../src/psi/oprf-database.js';
import { DEFAULT_TPSI_PARAMS } from '../src/psi/protocols/tpsi-ad/params.js';
import { setupTpsiServerInWorkers } from '../src/psi/protocols/tpsi-ad/server-setup.js';
import { runRandomness } from '../src/psi/random.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import { argValue, fmt, printTable } from './_util.js';

const size = Number(argValue('size') ?? 100_000);
const jobsList = (argValue('jobs') ?? '1,2').split(',').map(Number);
const backendFilter = argValue('backends')?.split(',');
const protocols = (argValue('protocols') ?? 'tpsi-ad,oprf-membership').split(',');
const backends = (
  [
    { group: 'ristretto255', backend: 'sodium' },
    { group: 'ristretto255', backend: 'noble' },
    { group: 'p256', backend: 'noble' },
  ] as { group: GroupName; backend: BackendName }[]
).filter((b) => (backendFilter ?? ['ristretto255/sodium']).includes(`${b.group}/${b.backend}`));
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

const next = createPrng(0x5e7);
const database = Array.from({ length: size }, () => randomBytesFrom(next, 38));
process.stdout.write(
  `psi-setup: ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, node ${process.version}; ${size} entries; load average ${load()}\n\n`,
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

const rows: string[][] = [
  [
    'protocol',
    'backend',
    ...jobsList.map((j) => `${j} job${j > 1 ? 's' : ''} s (cpu s)`),
    'speed-up',
    '~10^6 s (best jobs)',
  ],
];
for (const b of backends) {
  const group = await createGroup(b.group, b.backend);
  for (const protocol of protocols) {
    const runs: { ms: number; cpuMs: number; published: string }[] = [];
    for (const jobs of jobsList)
      runs.push(
        await timed(async () =>
          protocol === 'tpsi-ad'
            ? (
                await setupTpsiServerInWorkers(group, database, DEFAULT_TPSI_PARAMS, {
                  random: runRandomness(1, true),
                  jobs,
                })
              ).publicData.table
            : (
                await buildOprfFilter(
                  group,
                  group.hashToScalar(new Uint8Array([1]), new Uint8Array([2])),
                  database,
                  bloomParams(size, 1e-6),
                  jobs,
                )
              ).data,
        ),
      );
    if (new Set(runs.map((r) => r.published)).size !== 1)
      throw new Error(`${protocol} ${b.group}/${b.backend}: the setups published different bytes`);
    const best = Math.min(...runs.map((r) => r.ms));
    rows.push([
      protocol,
      `${b.group}/${b.backend}`,
      ...runs.map((r) => `${fmt(r.ms / 1000, 1)} (${fmt(r.cpuMs / 1000, 1)})`),
      `${fmt(runs[0]!.ms / runs.at(-1)!.ms, 2)}×`,
      `~${fmt(((best / size) * 1e6) / 1000, 0)}`,
    ]);
    process.stderr.write(`  done ${protocol} ${b.group}/${b.backend}\n`);
  }
}
printTable(rows);
process.stdout.write(
  `\nspeed-up = first jobs column / last (wall clock); cpu = CPU time of the whole process, workers included: equal cpu and ` +
    `equal wall time mean the other processes left no idle core; "~" = linear extrapolation from this run's per-entry rate (the cuckoo build ` +
    `and memory effects at 10^6 are not measured). load average at the end ${load()}\n`,
);
