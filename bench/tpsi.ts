// Benchmark: tpsi-ad costs per group backend — server setup (cuckoo table, α·H(y) per entry, random fill) and published
// size for growing databases; client and server milliseconds and bytes per voucher; the server's work for an account
// at the threshold (DHF detection and Shamir reconstruction) — with one raw scalar multiplication per backend as the unit.
//
//   npm run bench -- tpsi [--sizes 10000,100000,1000000] [--photos 300] [--accounts 3] [--threshold 30]
//                         [--synthetic-rate 0.02] [--max-setup-s 120] [--backends ristretto255/sodium,...]
//
// Setups whose estimate (from the last measured per-entry rate) exceeds --max-setup-s are extrapolated linearly and
// marked "~"; published sizes are exact for every size (they follow from the table size).
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createGroup } from '../src/psi/group/create.js';
import type { BackendName, GroupName } from '../src/psi/group/group.js';
import { runParties } from '../src/psi/protocols/driver.js';
import { buildCuckooTable, cuckooTableSize } from '../src/psi/protocols/tpsi-ad/cuckoo.js';
import { DhfDetector } from '../src/psi/protocols/tpsi-ad/dhf-detector.js';
import { dhfValues, generateDhfKey, syntheticDhfValues } from '../src/psi/protocols/tpsi-ad/dhf.js';
import { M31 } from '../src/psi/protocols/tpsi-ad/m31.js';
import { DEFAULT_TPSI_PARAMS, dhfDimensionOf, type TpsiParams } from '../src/psi/protocols/tpsi-ad/params.js';
import { tpsiPartiesOutcome } from '../src/psi/protocols/tpsi-ad/outcome.js';
import { setupTpsiServer } from '../src/psi/protocols/tpsi-ad/server-setup.js';
import { createTpsiParties } from '../src/psi/protocols/tpsi-ad/session.js';
import {
  evaluatePolynomial,
  interpolatePolynomial,
  randomFieldElement,
  sharingPolynomial,
} from '../src/psi/protocols/tpsi-ad/shamir.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import { argValue, fmt, printTable } from './_util.js';

const sizes = (argValue('sizes') ?? '10000,100000,1000000')
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const photos = Number(argValue('photos') ?? 300);
const accounts = Number(argValue('accounts') ?? 3);
const maxSetupMs = Number(argValue('max-setup-s') ?? 120) * 1000;
const backendFilter = argValue('backends')?.split(',');
const params: TpsiParams = {
  ...DEFAULT_TPSI_PARAMS,
  threshold: Number(argValue('threshold') ?? DEFAULT_TPSI_PARAMS.threshold),
  syntheticRate: Number(argValue('synthetic-rate') ?? DEFAULT_TPSI_PARAMS.syntheticRate),
};
const backends: { group: GroupName; backend: BackendName }[] = [
  { group: 'ristretto255', backend: 'sodium' },
  { group: 'ristretto255', backend: 'noble' },
  { group: 'p256', backend: 'noble' },
].filter((b) => !backendFilter || backendFilter.includes(`${b.group}/${b.backend}`)) as {
  group: GroupName;
  backend: BackendName;
}[];

const next = createPrng(0x7951);
const largest = Math.max(...sizes);
const smallest = Math.min(...sizes);
const database = Array.from({ length: largest }, () => randomBytesFrom(next, 38));
// Half the photos are database hashes, so every account passes the threshold and the server reconstructs its key.
const queries = [
  ...database.slice(0, photos >> 1),
  ...Array.from({ length: photos - (photos >> 1) }, () => randomBytesFrom(next, 38)),
];
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const seconds = (ms: number): string => fmt(ms / 1000, ms < 10_000 ? 2 : 0);
const megabytes = (bytes: number): string => fmt(bytes / 1e6, 1);

process.stdout.write(
  `tpsi: ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, node ${process.version}; ${photos} photos in ${accounts} accounts (half in the database), ` +
    `t = ${params.threshold}, s = ${params.syntheticRate}, ε = ${params.cuckooEpsilon}, DHF capacity ${params.dhfCapacity}; load average ${load()}\n\n`,
);

async function timed(f: () => unknown): Promise<{ ms: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const cuckooRows: string[][] = [['entries', 'table slots', 'cuckoo build s', 'rehashes']];
for (const n of sizes) {
  let rehashes = 0;
  const t = await timed(() => (rehashes = buildCuckooTable(database.slice(0, n), params.cuckooEpsilon).rehashes));
  cuckooRows.push([String(n), String(cuckooTableSize(n, params.cuckooEpsilon)), seconds(t.ms), String(rehashes)]);
}
printTable(cuckooRows);
process.stdout.write('\n');

const rows: string[][] = [
  [
    'backend',
    'µs / mult',
    ...sizes.map((n) => `setup ${n.toExponential(0).replace('+', '')} s (cpu s)`),
    ...sizes.map((n) => `published ${n.toExponential(0).replace('+', '')} MB`),
    'client ms/voucher (cpu)',
    'server ms/voucher (cpu)',
    'bytes/voucher',
    'client mults/voucher',
    'server mults/voucher',
    'accounts correct',
  ],
];
for (const b of backends) {
  const group = await createGroup(b.group, b.backend);
  const point = group.hashToGroup(new Uint8Array([1]), new Uint8Array([2]));
  const scalar = group.randomScalar();
  const reps = b.backend === 'sodium' ? 2000 : 100;
  const unit = await timed(() => {
    for (let i = 0; i < reps; i++) group.multiply(scalar, point);
  });
  const parties = createTpsiParties(group, database.slice(0, smallest), queries, params, accounts);
  const costs = runParties(parties.client, parties.server, queries.length);
  const report = tpsiPartiesOutcome(
    parties,
    params,
    accounts,
    queries.map((_, i) => i < photos >> 1),
  );
  const setups = [{ ms: costs.server.setupMs, cpuMs: costs.server.setupCpuMs, measured: true }];
  let rate = setups[0]!.ms / smallest;
  for (const n of sizes.slice(1)) {
    if (rate * n > maxSetupMs) {
      setups.push({ ms: rate * n, cpuMs: (setups.at(-1)!.cpuMs / setups.at(-1)!.ms) * rate * n, measured: false });
      continue;
    }
    const t = await timed(() => setupTpsiServer(group, database.slice(0, n), params));
    setups.push({ ...t, measured: true });
    rate = t.ms / n;
  }
  const published = sizes.map((n) => 29 + group.elementBytes * (1 + cuckooTableSize(n, params.cuckooEpsilon)));
  rows.push([
    `${b.group}/${b.backend}`,
    fmt((unit.ms * 1000) / reps, 1),
    ...setups.map((s) => `${s.measured ? '' : '~'}${seconds(s.ms)} (${seconds(s.cpuMs)})`),
    ...published.map(megabytes),
    `${fmt(costs.client.msPerPhoto, 3)} (${fmt(costs.client.cpuMsPerPhoto, 3)})`,
    `${fmt(costs.server.msPerPhoto, 3)} (${fmt(costs.server.cpuMsPerPhoto, 3)})`,
    fmt(costs.bytesPerPhoto.clientToServer, 0),
    fmt(costs.client.onlineOps.multiply / photos, 2),
    fmt(costs.server.onlineOps.multiply / photos, 2),
    `${report.rows.filter((r) => r.revealedCorrect && r.keyReconstructed).length}/${accounts}`,
  ]);
  if (published[0]! !== costs.server.setupBytesSent)
    throw new Error(
      `published size formula ${published[0]} differs from the run's ${costs.server.setupBytesSent} bytes`,
    );
  process.stderr.write(`  done ${b.group}/${b.backend}\n`);
}
printTable(rows);

// The server's extra work when an account reaches t: DHF rows for t real and `capacity` synthetic vouchers, then
// interpolation from t shares and a check of every further share.
const t = params.threshold;
const dimension = dhfDimensionOf(params);
const key = generateDhfKey(t, dimension);
const rowsIn = [
  ...Array.from({ length: params.dhfCapacity }, () => ({
    x: next.nextUint32() % M31,
    values: syntheticDhfValues(dimension),
  })),
  ...Array.from({ length: t }, () => ({ x: next.nextUint32() % M31, values: new Uint32Array() })),
].map((r) => (r.values.length ? r : { x: r.x, values: dhfValues(key, r.x) }));
const detect = await timed(() => {
  const d = new DhfDetector(t, dimension);
  for (const r of rowsIn) d.add(r.x, r.values);
  if (d.realCount !== t) throw new Error(`DHF found ${d.realCount} real rows, expected ${t}`);
});
const f = sharingPolynomial(randomFieldElement(), t);
const shares = Array.from({ length: 2 * t }, () => {
  const x = randomFieldElement();
  return { x, y: evaluatePolynomial(f, x) };
});
const reconstruct = await timed(() => {
  const g = interpolatePolynomial(shares.slice(0, t));
  for (const s of shares.slice(t)) if (evaluatePolynomial(g, s.x) !== s.y) throw new Error('share off the polynomial');
});
process.stdout.write(
  `\nat the threshold (t = ${t}): DHF detection over ${params.dhfCapacity} synthetic + ${t} real rows (${dimension + t - 1} columns) ${fmt(detect.ms, 1)} ms; ` +
    `interpolation from ${t} shares and a check of ${t} more ${fmt(reconstruct.ms, 1)} ms\n`,
);
process.stdout.write(
  `per-voucher figures: ${photos} photos against a database of ${smallest} entries; "~" = extrapolated from the last measured per-entry rate; cpu = CPU time of the whole process. load average at the end ${load()}\n`,
);
