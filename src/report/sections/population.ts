// Population-scale sections: from each FPR run, per-photo false matches against databases of D hashes and
// per-account false flags per year for n photos and account threshold t, with intervals carried through and the
// effective-DoF extrapolation beside them.
import { DOF_ASSUMPTION } from '../../eval/dof-fit.js';
import type { FprSummary } from '../../eval/fpr.js';
import { total } from '../../eval/histogram.js';
import { INDEPENDENCE_ASSUMPTION, perPhotoFalseMatch } from '../../eval/population.js';
import { populationReport, type PopulationReport } from '../../eval/population-report.js';
import { accountFlagChart, type AccountFlagPoint } from '../charts/account-flags.js';
import { runSectionId, runTitle, summariesOf, type RunWithSummary, type SectionContributor } from '../context.js';
import { emptyCell, estimateCell, formatCount, formatSci, numberCell, proportionCell, textCell } from '../format.js';
import type { Block, Cell, KeyNumber, ReportSection, TableRow } from '../model.js';
import type { ResolvedReportOptions } from '../options.js';

export interface PopulationScenario {
  readonly algo: string;
  readonly dbSize: number;
  readonly photosPerYear: number;
  /** One report per account threshold t = 1..maxAccountThreshold. */
  readonly byAccountThreshold: readonly PopulationReport[];
}

/** Every algorithm × D × n scenario of the options, each for t = 1..maxAccountThreshold, at the operating threshold. */
export function populationScenarios(summary: FprSummary, options: ResolvedReportOptions): PopulationScenario[] {
  const out: PopulationScenario[] = [];
  for (const [algo, a] of Object.entries(summary.algos)) {
    if (total(a) === 0) continue;
    const threshold = Math.min(options.thresholdOf(algo), a.nbits);
    for (const dbSize of options.dbSizes) {
      for (const photosPerYear of options.photoVolumes) {
        const byAccountThreshold = Array.from({ length: options.maxAccountThreshold }, (_, k) =>
          populationReport(algo, a, a.dof, { threshold, dbSize, photosPerYear, accountThreshold: k + 1 }),
        );
        out.push({ algo, dbSize, photosPerYear, byAccountThreshold });
      }
    }
  }
  return out;
}

const atT = (s: PopulationScenario, t: number): PopulationReport | undefined => s.byAccountThreshold[t - 1];

/** What the sample can certify: zero false positives among n pairs only bound FPR near 3/n (rule of three). */
function resolutionSentence(summary: FprSummary, dbSizes: readonly number[]): string {
  const n = Math.max(...Object.values(summary.algos).map((a) => total(a)));
  const bound = 3 / n;
  const d = dbSizes[0]!;
  return (
    `With ${n} unrelated pairs, even zero false positives bound FPR only near 3/n = ${formatSci(bound)}; against D = ${formatCount(d)} hashes ` +
    `that bound still allows a per-photo false-match probability of ${formatSci(perPhotoFalseMatch(bound, d))}. Smaller population-scale rates ` +
    `need more pairs, or rest on the DoF extrapolation and its assumption.`
  );
}

function populationSection(
  { input, summary }: RunWithSummary<FprSummary>,
  options: ResolvedReportOptions,
  several: boolean,
): ReportSection | null {
  const scenarios = populationScenarios(summary, options);
  if (scenarios.length === 0) return null;
  const runIds = [input.run.id];
  const id = runSectionId('population', input, several);
  const ts = options.accountThresholds.filter((t) => t >= 1 && t <= options.maxAccountThreshold);
  const head = (fitted: boolean): { key: string; label: string; numeric?: boolean }[] => [
    { key: 'algo', label: 'Algorithm' },
    { key: 'tau', label: 'τ (bits)', numeric: true },
    { key: 'fpr', label: fitted ? 'FPR (DoF fit)' : 'FPR per pair [95% CI]', numeric: true },
    { key: 'D', label: 'Database size D', numeric: true },
    { key: 'n', label: 'Photos a year n', numeric: true },
    {
      key: 'perPhoto',
      label: fitted ? 'Per-photo false match (fit)' : 'Per-photo false match [95% CI]',
      numeric: true,
    },
    ...ts.map((t) => ({ key: `t${t}`, label: `P(flag) per year, t = ${t}${fitted ? ' (fit)' : ''}`, numeric: true })),
  ];
  const measuredRows: TableRow[] = [];
  const fittedRows: TableRow[] = [];
  for (const s of scenarios) {
    const first = s.byAccountThreshold[0]!;
    const common: Cell[] = [textCell(s.algo), numberCell(first.threshold)];
    const scenario: Cell[] = [
      numberCell(s.dbSize, formatCount(s.dbSize)),
      numberCell(s.photosPerYear, formatCount(s.photosPerYear)),
    ];
    measuredRows.push({
      runIds,
      cells: [
        ...common,
        proportionCell(first.fpr),
        ...scenario,
        estimateCell(first.perPhoto),
        ...ts.map((t) => estimateCell(atT(s, t)!.perAccount)),
      ],
    });
    if (first.fitted) {
      const fitCell = (x: number): Cell => numberCell(x, formatSci(x));
      fittedRows.push({
        runIds,
        cells: [
          ...common,
          fitCell(first.fitted.fpr),
          ...scenario,
          fitCell(first.fitted.perPhoto),
          ...ts.map((t) => (atT(s, t)!.fitted ? fitCell(atT(s, t)!.fitted!.perAccount) : emptyCell())),
        ],
      });
    }
  }
  const algos = [...new Set(scenarios.map((s) => s.algo))];
  const blocks: Block[] = [
    {
      kind: 'text',
      paragraphs: [
        `From the unrelated-pair histograms of FPR run ${input.run.id}, at each algorithm's operating threshold: the probability that one photo falsely ` +
          `matches a database of D hashes, p = 1 − (1 − FPR)^D, and the probability that an account sending n photos a year reaches the account ` +
          `threshold t of false matches, P[Binomial(n, p) ≥ t]. The 95% interval of the measured FPR is carried through both maps (they increase with FPR). ` +
          `The effective-DoF fit extrapolates FPR below what the sample can resolve; its values are point estimates whose model error no interval covers.`,
        resolutionSentence(summary, options.dbSizes),
      ],
    },
    { kind: 'list', title: 'Assumptions', items: [INDEPENDENCE_ASSUMPTION, DOF_ASSUMPTION] },
    ...options.photoVolumes.map((n) => {
      const points: AccountFlagPoint[] = scenarios
        .filter((s) => s.photosPerYear === n)
        .flatMap((s) =>
          s.byAccountThreshold.map((r) => ({
            algo: s.algo,
            operatingThreshold: r.threshold,
            dbSize: s.dbSize,
            accountThreshold: r.accountThreshold,
            measured: r.perAccount,
            fitted: r.fitted?.perAccount ?? null,
          })),
        );
      return accountFlagChart(`${id}-accounts-n${n}`, runIds, n, algos, options.dbSizes, points);
    }),
    {
      kind: 'table',
      id: `${id}-measured`,
      caption: 'Per-photo and per-account false-flag probabilities from the measured FPR, with 95% intervals',
      runIds,
      columns: head(false),
      rows: measuredRows,
    },
  ];
  if (fittedRows.length) {
    blocks.push({
      kind: 'table',
      id: `${id}-fitted`,
      caption: 'The same quantities from the effective-DoF extrapolation of FPR (point values)',
      runIds,
      columns: head(true),
      rows: fittedRows,
    });
  }
  // The headline scenario: the first database size and photo volume, at the largest tabulated account threshold.
  const headline = scenarios.filter(
    (s) => s.dbSize === options.dbSizes[0] && s.photosPerYear === options.photoVolumes[0],
  );
  const t = ts[ts.length - 1] ?? 1;
  const scenarioText = (s: PopulationScenario): string =>
    `P(account flagged per year) at D = ${formatCount(s.dbSize)}, n = ${formatCount(s.photosPerYear)}, t = ${t}`;
  const suffix = several ? ` (run ${input.run.id})` : '';
  const keyNumbers: KeyNumber[] = headline.flatMap((s) => {
    const r = atT(s, t)!;
    const measured: KeyNumber = {
      label: `${scenarioText(s)} (measured)${suffix}`,
      subject: s.algo,
      cell: estimateCell(r.perAccount),
      runIds,
    };
    const fitted: KeyNumber[] = r.fitted
      ? [
          {
            label: `${scenarioText(s)} (DoF fit)${suffix}`,
            subject: s.algo,
            cell: numberCell(r.fitted.perAccount, formatSci(r.fitted.perAccount)),
            runIds,
          },
        ]
      : [];
    return [measured, ...fitted];
  });
  return {
    id,
    title: runTitle('Population scale: false flags per account', input, several),
    runIds,
    keyNumbers,
    blocks,
  };
}

export const populationContributor: SectionContributor = {
  id: 'population',
  kinds: ['fpr'],
  contribute(ctx) {
    const runs = summariesOf<FprSummary>(ctx, 'fpr');
    return runs
      .map((r) => populationSection(r, ctx.options, runs.length > 1))
      .filter((s): s is ReportSection => s !== null);
  },
};
