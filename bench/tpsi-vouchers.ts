// Benchmark: the time to build a real and a synthetic tpsi-ad voucher, per group backend, interleaved pair by pair so
// that both kinds see the same machine load. A ratio far from 1 would let a server that sees when vouchers are built
// tell synthetic ones apart (issue 13, item 4).
//   npm run bench -- tpsi-vouchers [--pairs 200] [--backends ristretto255/sodium,ristretto255/noble,p256/noble]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createGroup } from '../src/psi/group/create.js';
import type { BackendName, GroupName } from '../src/psi/group/group.js';
import { createAccountSecrets } from '../src/psi/protocols/tpsi-ad/account.js';
import { DEFAULT_TPSI_PARAMS, dhfDimensionOf } from '../src/psi/protocols/tpsi-ad/params.js';
import { setupTpsiServer } from '../src/psi/protocols/tpsi-ad/server-setup.js';
import { PublishedTable, createVoucher } from '../src/psi/protocols/tpsi-ad/voucher.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import { argValue, fmt, printTable } from './_util.js';

const pairs = Number(argValue('pairs') ?? 200);
const wanted = argValue('backends')?.split(',');
const backends = (
  [
    ['ristretto255', 'sodium'],
    ['ristretto255', 'noble'],
    ['p256', 'noble'],
  ] as [GroupName, BackendName][]
).filter(([g, b]) => !wanted || wanted.includes(`${g}/${b}`));

const next = createPrng(0x1304);
const database = Array.from({ length: 1000 }, () => randomBytesFrom(next, 38));
const params = DEFAULT_TPSI_PARAMS;
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

process.stdout.write(
  `tpsi-vouchers: ${pairs} interleaved real/synthetic pairs per backend (order alternating), t = ${params.threshold}, ` +
    `DHF capacity ${params.dhfCapacity}, ad ${params.adBytes} bytes, a 1000-entry table; load average ${load()}\n\n`,
);
const rows: string[][] = [
  [
    'backend',
    'real ms wall (CPU), median',
    'synthetic ms wall (CPU), median',
    'ratio wall',
    'ratio CPU',
    'per-pair CPU ratio 5–95%',
  ],
];
for (const [name, backend] of backends) {
  const group = await createGroup(name, backend);
  const { publicData } = setupTpsiServer(group, database, params);
  const table = new PublishedTable(group, publicData);
  const secrets = createAccountSecrets(0, params.threshold, dhfDimensionOf(params));
  // Half the photos match (half the real vouchers open at the server), as in bench/tpsi.ts.
  const photo = (i: number) => ({
    account: 0,
    input: i % 2 === 0 ? database[i % database.length]! : randomBytesFrom(next, 38),
    id: randomBytesFrom(next, 16),
    ad: new Uint8Array(40),
  });
  /** Wall and CPU milliseconds of one voucher (CPU time is what a loaded machine distorts least). */
  const time = (synthetic: boolean, i: number): { wall: number; cpu: number } => {
    const p = photo(i);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    createVoucher(table, secrets, p, synthetic);
    const cpu = process.cpuUsage(cpu0);
    return { wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 };
  };
  for (let i = 0; i < 10; i++) time(i % 2 === 0, i);
  const real = { wall: [] as number[], cpu: [] as number[] };
  const synthetic = { wall: [] as number[], cpu: [] as number[] };
  for (let i = 0; i < pairs; i++) {
    const first = i % 2 === 0;
    const a = time(first, i);
    const b = time(!first, i);
    const [r, s] = first ? [b, a] : [a, b];
    real.wall.push(r.wall);
    real.cpu.push(r.cpu);
    synthetic.wall.push(s.wall);
    synthetic.cpu.push(s.cpu);
  }
  const ratios = synthetic.cpu.map((s, i) => s / real.cpu[i]!);
  rows.push([
    `${name}/${backend}`,
    `${fmt(median(real.wall), 3)} (${fmt(median(real.cpu), 3)})`,
    `${fmt(median(synthetic.wall), 3)} (${fmt(median(synthetic.cpu), 3)})`,
    fmt(median(synthetic.wall) / median(real.wall), 3),
    fmt(median(synthetic.cpu) / median(real.cpu), 3),
    `${fmt(quantile(ratios, 0.05), 2)} … ${fmt(quantile(ratios, 0.95), 2)}`,
  ]);
}
printTable(rows);
process.stdout.write(`load average at the end ${load()}\n`);
