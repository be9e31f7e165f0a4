// The text form of a population simulation: false flags per year per million accounts (Monte Carlo interval beside
// the analytic value), detection by known images held, the reviewer's load and the server's cost.
import type { Proportion } from '../eval/binomial.js';
import { formatTable } from '../util/table.js';
import type { PopulationResult } from './population.js';

const sci = (x: number): string => (x === 0 ? '0' : x >= 0.01 && x < 1e5 ? x.toPrecision(3) : x.toExponential(2));
const pct = (p: Proportion | null): string =>
  p ? `${(100 * p.estimate).toFixed(1)}% [${(100 * p.lower).toFixed(1)}, ${(100 * p.upper).toFixed(1)}]` : '-';

/** The analytic false flags per million, as 10^x where the rate underflows a double. */
export function formatAnalyticPerMillion(r: PopulationResult): string {
  const a = r.analytic;
  if (a.falseFlagsPerMillion > 0 || a.log10FalseFlagRate === -Infinity) return sci(a.falseFlagsPerMillion);
  return `10^${(a.log10FalseFlagRate + 6).toFixed(0)}`;
}

/** False flags per million: an interval, and never "0" as a point estimate. */
export function formatPerMillion(r: PopulationResult): string {
  const s = r.simulated;
  if (s.accountsFlagged === 0)
    return `none in ${s.innocentAccounts} accounts: < ${sci(s.falseFlagsPerMillion.ci[1])} (95% upper)`;
  return `${sci(s.falseFlagsPerMillion.estimate)} [${sci(s.falseFlagsPerMillion.ci[0])}, ${sci(s.falseFlagsPerMillion.ci[1])}]`;
}

export function formatPopulation(runId: string | null, results: readonly PopulationResult[]): string {
  const first = results[0];
  if (!first) return '';
  const c = first.config;
  const out = [
    `${runId ? `run ${runId}: ` : ''}${c.accounts} accounts × one year, photos/year ${c.photosPerYear}, t = ${c.accountThreshold}, ` +
      `synthetic ${c.syntheticRate}${c.dihedral ? ', dihedral' : ''}, seed ${c.seed}`,
    `per-photo false match ${sci(c.photoFpr)} (${c.photoFprSource}); TPR ${sci(c.tpr)}; known images: share ${c.knownShare}, ${c.knownPerAccount} per holder`,
    '',
    formatTable([
      [
        'ρ',
        'burst',
        'simulated false flags / 10^6 accounts / year',
        'analytic',
        'flagged',
        'detected (holders)',
        'reviewer photos/yr',
        'MC s',
      ],
      ...results.map((r) => [
        String(r.config.correlation),
        String(r.config.burst),
        formatPerMillion(r),
        formatAnalyticPerMillion(r),
        `${r.simulated.accountsFlagged}/${r.simulated.innocentAccounts}`,
        pct(r.detection.rate),
        sci(r.reviewerLoad.photosPerYear),
        r.simulated.seconds.toFixed(2),
      ]),
    ]).trimEnd(),
  ];
  const byK = first.detection.byKnown;
  if (byK.length > 0) {
    out.push('', `detection by known images held (ρ = ${first.config.correlation}, burst ${first.config.burst}):`);
    out.push(
      formatTable([
        ['known', 'holders', 'detected', 'rate [95%]'],
        ...byK.map((b) => [b.known, String(b.accounts), String(b.detected), pct(b.rate)]),
      ]).trimEnd(),
    );
  }
  const sc = first.serverCost;
  out.push(
    '',
    `server at this volume: ${sci(sc.photosPerDay)} photos/day, ${sci(sc.vouchersPerDay)} vouchers/day, matcher ${sci(sc.cpuSecondsPerDay)} CPU s/day ` +
      `(${sci(sc.cores)} cores), ${sci(sc.bytesPerDay / 1e9)} GB/day added on the wire; costs from ${sc.model.source}`,
  );
  return out.join('\n') + '\n';
}
