// Population-simulation sections: per stored simulation, false flags per year per million accounts (Monte Carlo
// interval beside the analytic value) for each correlation/burst scenario, the analytic rate against the account
// threshold and the photo volume, detection by known images held, the reviewer's load and the server's cost.
import { formatAnalyticPerMillion, formatPerMillion } from '../../simulate/format.js';
import { analyticRate } from '../../simulate/population.js';
import type { SimulationSummary } from '../../simulate/store-run.js';
import { runSectionId, runTitle, summariesOf, type RunWithSummary, type SectionContributor } from '../context.js';
import { formatSci, numberCell, textCell } from '../format.js';
import type { Block, ReportSection } from '../model.js';

const THRESHOLDS = [1, 5, 10, 20, 30, 50] as const;
const VOLUMES = [365, 1825, 5000, 20000] as const;

function simulationSection(r: RunWithSummary<SimulationSummary>, several: boolean): ReportSection | null {
  const { input, summary } = r;
  const first = summary.scenarios[0];
  if (!first) return null;
  const runIds = [input.run.id];
  const id = runSectionId('simulation', input, several);
  const c = first.config;
  const rate = (x: { estimate: number; lower: number; upper: number } | null): string =>
    x ? `${formatSci(x.estimate)} [${formatSci(x.lower)}, ${formatSci(x.upper)}]` : '—';
  const blocks: Block[] = [
    {
      kind: 'text',
      paragraphs: [
        `${c.accounts} accounts over one year, photos per year ${c.photosPerYear}; per-photo false match ${formatSci(c.photoFpr)} (${c.photoFprSource}); account threshold t = ${c.accountThreshold}, synthetic rate ${c.syntheticRate}${c.dihedral ? ', eight rotations/flips per photo' : ''}; ${c.knownShare > 0 ? `a share ${c.knownShare} of accounts hold ${c.knownPerAccount} known images, each detected with probability ${formatSci(c.tpr)}` : 'no account holds known images'}; seed ${c.seed}.`,
        "A false flag is an account that holds no known image and reaches t matches in the year. The Monte Carlo samples each account (one binomial or beta-binomial draw), its interval is Clopper–Pearson 95%; the analytic value averages the binomial (ρ = 0) or beta-binomial tail over the photo-count distribution. With correlation, an account's photos share one false-match probability (similar photos match together); with bursts every false-matching photo is sent b times.",
      ],
    },
    {
      kind: 'table',
      id: `${id}-scenarios`,
      caption: 'False flags per year per million accounts, reviewer load and server cost, per scenario',
      runIds,
      columns: [
        { key: 'rho', label: 'ρ', numeric: true },
        { key: 'burst', label: 'Burst b', numeric: true },
        { key: 'sim', label: 'Simulated false flags / 10^6 accounts [95% CI]', numeric: true },
        { key: 'analytic', label: 'Analytic / 10^6', numeric: true },
        { key: 'detected', label: 'Holders detected [95% CI]', numeric: true },
        { key: 'review', label: 'Photos reviewers see / year', numeric: true },
        { key: 'cpu', label: 'Matcher CPU s / day', numeric: true },
        { key: 'gb', label: 'GB / day added', numeric: true },
      ],
      rows: summary.scenarios.map((s) => ({
        runIds,
        cells: [
          numberCell(s.config.correlation),
          numberCell(s.config.burst),
          { text: formatPerMillion(s), value: { ...s.simulated.falseFlagsPerMillion, ci: s.simulated.ci.join(',') } },
          numberCell(s.analytic.falseFlagsPerMillion, formatAnalyticPerMillion(s)),
          textCell(rate(s.detection.rate)),
          numberCell(s.reviewerLoad.photosPerYear, formatSci(s.reviewerLoad.photosPerYear)),
          numberCell(s.serverCost.cpuSecondsPerDay, formatSci(s.serverCost.cpuSecondsPerDay)),
          numberCell(s.serverCost.bytesPerDay / 1e9, formatSci(s.serverCost.bytesPerDay / 1e9)),
        ],
      })),
      notes: [`Server costs from ${first.serverCost.model.source}.`],
    },
    {
      kind: 'table',
      id: `${id}-sweep`,
      caption: `Analytic false flags per year per million accounts against the account threshold t and a fixed photo volume (per-photo false match ${formatSci(first.analytic.effectivePhotoFpr)} after dihedral and synthetic vouchers; each scenario's ρ and b)`,
      runIds,
      columns: [
        { key: 'scenario', label: 'ρ, b' },
        { key: 't', label: 't', numeric: true },
        ...VOLUMES.map((n) => ({ key: `n${n}`, label: `${n} photos/year`, numeric: true })),
      ],
      rows: summary.scenarios.flatMap((s) =>
        THRESHOLDS.map((t) => ({
          runIds,
          cells: [
            textCell(`ρ = ${s.config.correlation}, b = ${s.config.burst}`),
            numberCell(t),
            ...VOLUMES.map((n) => {
              const a = analyticRate(
                { kind: 'fixed', value: n },
                Math.ceil(t / s.config.burst),
                s.analytic.effectivePhotoFpr,
                s.config.correlation,
              );
              const v = a.mid * 1e6;
              return numberCell(
                v,
                v > 0 || a.log10Mid === -Infinity ? formatSci(v) : `10^${(a.log10Mid + 6).toFixed(0)}`,
              );
            }),
          ],
        })),
      ),
    },
  ];
  if (first.detection.byKnown.length > 0)
    blocks.push({
      kind: 'table',
      id: `${id}-detection`,
      caption: `Detection of accounts holding known images, by how many they hold (ρ = ${first.config.correlation}, b = ${first.config.burst})`,
      runIds,
      columns: [
        { key: 'k', label: 'Known images' },
        { key: 'holders', label: 'Accounts', numeric: true },
        { key: 'rate', label: 'Detected [95% CI]', numeric: true },
      ],
      rows: first.detection.byKnown.map((b) => ({
        runIds,
        cells: [textCell(b.known), numberCell(b.accounts), textCell(rate(b.rate))],
      })),
    });
  return {
    id,
    title: runTitle('A population of accounts over a year', input, several),
    runIds,
    blocks,
    keyNumbers: [
      {
        label: `False flags per year per million accounts, simulated (t = ${c.accountThreshold}, ${c.photosPerYear}, ρ = ${c.correlation})`,
        subject: 'population',
        cell: textCell(formatPerMillion(first)),
        runIds,
      },
    ],
  };
}

export const simulationContributor: SectionContributor = {
  id: 'simulation',
  kinds: ['simulation'],
  contribute(ctx) {
    const runs = summariesOf<SimulationSummary>(ctx, 'simulation');
    return runs.flatMap((r) => simulationSection(r, runs.length > 1) ?? []);
  },
};
