// Benchmark: PSI protocol costs per group backend — server setup for growing databases, client and server
// milliseconds per photo, bytes per photo, filter bits per entry — with one raw scalar multiplication of each
// backend measured in the same run as the unit.
//
//   npm run bench -- psi [--sizes 10000,100000,1000000] [--photos 200] [--jobs 2] [--max-setup-s 150]
//                        [--protocols a,b] [--backends ristretto255/sodium,...]
//
// Setups whose estimate (from the measured per-entry rate) exceeds --max-setup-s are extrapolated linearly and
// marked "~". oprf-membership setup runs in --jobs worker threads; ecdh-psi setup runs in one thread.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Hash } from '../src/hash/types.js';
import { bloomParams } from '../src/psi/bloom.js';
import { createGroup } from '../src/psi/group/create.js';
import type { BackendName, GroupName, PrimeOrderGroup } from '../src/psi/group/group.js';
import { psiInput } from '../src/psi/hash-input.js';
import { buildOprfFilter } from '../src/psi/oprf-database.js';
import { ecdhParty } from '../src/psi/protocols/ecdh-psi.js';
import { plaintextServer } from '../src/psi/protocols/plaintext.js';
import { defaultPsiConfig, type ProtocolName } from '../src/psi/protocols/registry.js';
import type { FuzzyProtocolName } from '../src/psi/protocols/fuzzy/session.js';
import { runPsi, type PsiRunResult } from '../src/psi/run.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import { argValue, fmt, printTable } from './_util.js';

const sizes = (argValue('sizes') ?? '10000,100000,1000000')
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const photos = Number(argValue('photos') ?? 200);
const jobs = Number(argValue('jobs') ?? Math.min(2, availableParallelism()));
const maxSetupMs = Number(argValue('max-setup-s') ?? 150) * 1000;
const protocolFilter = argValue('protocols')?.split(',');
const backendFilter = argValue('backends')?.split(',');
const backends: { group: GroupName; backend: BackendName }[] = [
  { group: 'ristretto255', backend: 'sodium' },
  { group: 'ristretto255', backend: 'noble' },
  { group: 'p256', backend: 'noble' },
];

const next = createPrng(0xb5);
const randomHash = (): Hash => ({ algo: 'pdq', nbits: 256, bits: randomBytesFrom(next, 32) });
const largest = Math.max(...sizes);
const database = Array.from({ length: largest }, randomHash);
const dbInputs = database.map(psiInput);
const smallest = Math.min(...sizes);
const queries = [...database.slice(0, photos >> 1), ...Array.from({ length: photos - (photos >> 1) }, randomHash)];

const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
process.stdout.write(
  `psi: ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, node ${process.version}; ${photos} photos (half in the database), PDQ-sized inputs; load average ${load()}\n\n`,
);

/** Microseconds per operation, best of 3 timed loops of `n`. */
function microsPerOp(n: number, op: (i: number) => void): number {
  let best = Infinity;
  for (let round = 0; round < 4; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) op(i);
    if (round > 0) best = Math.min(best, ((performance.now() - t0) * 1000) / n);
  }
  return best;
}

interface Unit {
  readonly name: string;
  readonly group: PrimeOrderGroup;
  readonly multiplyUs: number;
  readonly hashToGroupUs: number;
}

const units: Unit[] = [];
for (const b of backends) {
  const group = await createGroup(b.group, b.backend);
  const point = group.hashToGroup(new Uint8Array([1]), new Uint8Array([2]));
  const scalar = group.randomScalar();
  const n = b.backend === 'sodium' ? 3000 : 200;
  const multiplyUs = microsPerOp(n, () => group.multiply(scalar, point));
  const hashToGroupUs = microsPerOp(n, (i) => group.hashToGroup(dbInputs[i]!, new Uint8Array([2])));
  units.push({ name: `${b.group}/${b.backend}`, group, multiplyUs, hashToGroupUs });
}
const nobleRistretto = units.find((u) => u.name === 'ristretto255/noble')!;
printTable([
  ['backend', 'µs / scalar mult', 'µs / hash to group', 'mult speed vs ristretto255/noble'],
  ...units.map((u) => [
    u.name,
    fmt(u.multiplyUs),
    fmt(u.hashToGroupUs),
    `${fmt(nobleRistretto.multiplyUs / u.multiplyUs, 2)}×`,
  ]),
]);
process.stdout.write('\n');

interface SetupCell {
  readonly ms: number;
  readonly cpuMs: number;
  readonly measured: boolean;
}

/**
 * Setup times for every size, ascending: the smallest comes from the protocol run itself; each larger one is measured
 * when the estimate from the last measured per-entry rate is within the cap, otherwise extrapolated from it.
 */
async function setupCells(
  first: SetupCell,
  measure: (inputs: Uint8Array[]) => Promise<SetupCell>,
): Promise<SetupCell[]> {
  const cells = [first];
  let rate = { ms: first.ms / smallest, cpuMs: first.cpuMs / smallest };
  for (const n of sizes.slice(1)) {
    if (rate.ms * n > maxSetupMs) {
      cells.push({ ms: rate.ms * n, cpuMs: rate.cpuMs * n, measured: false });
      continue;
    }
    const cell = await measure(dbInputs.slice(0, n));
    rate = { ms: cell.ms / n, cpuMs: cell.cpuMs / n };
    cells.push(cell);
  }
  return cells;
}

const seconds = (ms: number): string => fmt(ms / 1000, ms < 10_000 ? 2 : 0);

async function timed(f: () => Promise<unknown> | unknown): Promise<SetupCell> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, measured: true };
}

const setupMeasure: Record<
  Exclude<ProtocolName, 'tpsi-ad' | FuzzyProtocolName>,
  (group: PrimeOrderGroup) => (inputs: Uint8Array[]) => Promise<SetupCell>
> = {
  plaintext: () => (inputs) => timed(() => plaintextServer(inputs).prepare()),
  'oprf-membership': (group) => (inputs) =>
    timed(() =>
      buildOprfFilter(
        group,
        group.randomScalar(),
        inputs,
        bloomParams(inputs.length, defaultPsiConfig('oprf-membership').falsePositiveRate),
        jobs,
      ),
    ),
  'ecdh-psi': (group) => (inputs) =>
    timed(() => ecdhParty('server', group, inputs, { learner: 'client', cardinalityOnly: false }).prepare()),
};

const rows: string[][] = [
  [
    'protocol',
    'backend',
    ...sizes.map((n) => `setup ${n.toExponential(0).replace('+', '')} s (cpu s)`),
    'client ms/photo (cpu)',
    'server ms/photo (cpu)',
    'client mults/photo',
    'server mults/photo',
    'bytes/photo c→s',
    'bytes/photo s→c',
    'published bits/entry',
    'matches found/expected',
  ],
];
const results: { protocol: ProtocolName; backend: string; run: PsiRunResult; setups: SetupCell[] }[] = [];
for (const protocol of (['plaintext', 'oprf-membership', 'ecdh-psi'] as const).filter(
  (p) => !protocolFilter || protocolFilter.includes(p),
)) {
  for (const unit of protocol === 'plaintext'
    ? [units[0]!]
    : units.filter((u) => !backendFilter || backendFilter.includes(u.name))) {
    const config = defaultPsiConfig(protocol, { group: unit.group.name, backend: unit.group.backend });
    const run = await runPsi(config, database.slice(0, smallest), queries, { setupJobs: jobs });
    const first = { ms: run.costs.server.setupMs, cpuMs: run.costs.server.setupCpuMs, measured: true };
    const setups = await setupCells(first, setupMeasure[protocol](unit.group));
    results.push({ protocol, backend: protocol === 'plaintext' ? '—' : unit.name, run, setups });
    const published = run.filter
      ? fmt(run.filter.bitsPerEntry, 2)
      : protocol === 'ecdh-psi'
        ? fmt((run.costs.server.setupBytesSent * 8) / smallest, 1)
        : '0';
    rows.push([
      protocol,
      protocol === 'plaintext' ? '—' : unit.name,
      ...setups.map((s) => `${s.measured ? '' : '~'}${seconds(s.ms)} (${seconds(s.cpuMs)})`),
      `${fmt(run.costs.client.msPerPhoto, 3)} (${fmt(run.costs.client.cpuMsPerPhoto, 3)})`,
      `${fmt(run.costs.server.msPerPhoto, 3)} (${fmt(run.costs.server.cpuMsPerPhoto, 3)})`,
      fmt(run.costs.client.onlineOps.multiply / photos, 1),
      fmt(run.costs.server.onlineOps.multiply / photos, 1),
      fmt(run.costs.bytesPerPhoto.clientToServer, 0),
      fmt(run.costs.bytesPerPhoto.serverToClient, 0),
      published,
      `${run.accuracy.found}/${run.accuracy.expected}`,
    ]);
    process.stderr.write(`  done ${protocol} ${unit.name}\n`);
  }
}
printTable(rows);

const sodiumUnit = units.find((u) => u.name === 'ristretto255/sodium')!;
const oprfSodium = results.find((r) => r.protocol === 'oprf-membership' && r.backend === 'ristretto255/sodium');
const millionIndex = sizes.indexOf(1_000_000);
process.stdout.write(
  `\nper-photo figures are measured against a database of ${smallest} entries; ecdh-psi's client work grows with the database (one scalar multiplication per entry per session).\n`,
);
process.stdout.write(
  `oprf-membership setup used ${jobs} worker threads; ecdh-psi setup one thread; "~" = extrapolated from the last measured per-entry rate.\n`,
);
process.stdout.write(
  `cpu = CPU time of the whole process (all threads); wall time exceeds cpu/threads when other work shares the machine. load average at the end ${load()}\n\n`,
);
const ratio = nobleRistretto.multiplyUs / sodiumUnit.multiplyUs;
process.stdout.write(
  `target: sodium ≥ 5× noble per scalar multiplication: ${fmt(ratio, 2)}× ${ratio >= 5 ? 'met' : 'missed'}\n`,
);
if (oprfSodium && millionIndex >= 0) {
  const s = oprfSodium.setups[millionIndex]!;
  const ideal = s.cpuMs / jobs;
  process.stdout.write(
    `target: oprf-membership setup of 10^6 entries ≤ 180 s on ${jobs} cores: wall ${s.measured ? '' : '~'}${fmt(s.ms / 1000, 0)} s ${s.ms <= 180_000 ? 'met' : 'missed'}` +
      `${s.measured ? '' : ' (extrapolated)'}; cpu ${fmt(s.cpuMs / 1000, 0)} s, i.e. ${fmt(ideal / 1000, 0)} s on ${jobs} idle cores ${ideal <= 180_000 ? 'met' : 'missed'}\n`,
  );
}
const client = oprfSodium?.run.costs.client;
if (client)
  process.stdout.write(
    `target: oprf-membership client ≤ 1 ms per photo (sodium): wall ${fmt(client.msPerPhoto, 3)} ms ${client.msPerPhoto <= 1 ? 'met' : 'missed'}; cpu ${fmt(client.cpuMsPerPhoto, 3)} ms ${client.cpuMsPerPhoto <= 1 ? 'met' : 'missed'}\n`,
  );
