// Benchmark: population simulator speed, 10^6 accounts × one year (target ≤ 60 s on 2 cores, issue 16), for the
// photo-count distributions and the correlated (beta-binomial) model, with the analytic computation timed apart.
//
//   npm run bench -- simulate [--accounts 1000000]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseCountDistribution } from '../src/simulate/count-distribution.js';
import { DEFAULT_SERVER_COST, simulatePopulation, type PopulationConfig } from '../src/simulate/population.js';
import { argValue, fmt, printTable } from './_util.js';

const accounts = Number(argValue('accounts') ?? 1_000_000);
const base: PopulationConfig = {
  accounts,
  photosPerYear: parseCountDistribution('lognormal:median=1825,sigma=1'),
  photoFpr: 1e-6,
  photoFprSource: 'bench',
  tpr: 0.9,
  knownShare: 1e-4,
  knownPerAccount: parseCountDistribution('pareto:min=1,alpha=1'),
  correlation: 0,
  burst: 1,
  accountThreshold: 30,
  syntheticRate: 0.02,
  dihedral: false,
  seed: 1,
  serverCost: DEFAULT_SERVER_COST,
};
const scenarios: [string, Partial<PopulationConfig>][] = [
  ['fixed:5000, ρ = 0', { photosPerYear: parseCountDistribution('fixed:5000') }],
  ['lognormal, ρ = 0', {}],
  ['pareto:min=100,alpha=1.5, ρ = 0', { photosPerYear: parseCountDistribution('pareto:min=100,alpha=1.5') }],
  ['lognormal, ρ = 0.01', { correlation: 0.01 }],
  ['lognormal, ρ = 0.01, burst 10', { correlation: 0.01, burst: 10 }],
  ['lognormal, p = 1e-3, ρ = 0 (many matches)', { photoFpr: 1e-3 }],
];
process.stdout.write(
  `simulate bench: ${accounts} accounts × one year, load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}\n`,
);
const rows = [['scenario', 'Monte Carlo s', 'total s (with analytic)', 'vs 60 s target', 'flagged']];
for (const [name, over] of scenarios) {
  const t0 = performance.now();
  const r = simulatePopulation({ ...base, ...over });
  const total = (performance.now() - t0) / 1000;
  rows.push([
    name,
    fmt(r.simulated.seconds, 2),
    fmt(total, 2),
    fmt(total / 60, 3),
    String(r.simulated.accountsFlagged),
  ]);
}
printTable(rows);
process.stdout.write(
  `one thread; load after: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}\n`,
);
