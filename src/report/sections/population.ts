// Population-scale sections: from each FPR run, per-photo false matches against databases of D hashes and
// per-account false flags per year for n photos, account threshold t and intra-account correlation ρ, with the
// measured interval (cluster jackknife when the run kept per-image histograms) carried through, the band of validated
// tail models beside it, and the models' out-of-sample validation.
import { CLUSTER_METHOD, INDEPENDENT_PAIRS_LABEL } from '../../eval/cluster.js';
import type { FprSummary } from '../../eval/fpr.js';
import { total } from '../../eval/histogram.js';
import {
  CORRELATION_ASSUMPTION,
  INDEPENDENCE_ASSUMPTION,
  perPhotoFalseMatch,
  type Estimate,
} from '../../eval/population.js';
import { populationReport, type PopulationReport } from '../../eval/population-report.js';
import { formatLog10, TAIL_MODEL_ASSUMPTIONS } from '../../eval/tail-models.js';
import { accountFlagChart, type AccountFlagPoint } from '../charts/account-flags.js';
import { runSectionId, runTitle, summariesOf, type RunWithSummary, type SectionContributor } from '../context.js';
import { emptyCell, formatCount, formatEstimate, formatFixed, formatSci, numberCell, textCell } from '../format.js';
import type { Block, Cell, KeyNumber, ReportSection, TableRow } from '../model.js';
import type { ResolvedReportOptions } from '../options.js';

export interface PopulationScenario {
  readonly algo: string;
  readonly dbSize: number;
  readonly photosPerYear: number;
  readonly correlation: number;
  /** One report per account threshold t = 1..maxAccountThreshold (the chart's x axis). */
  readonly byAccountThreshold: readonly PopulationReport[];
  /** The tabulated account thresholds' reports, in the order of the options. */
  readonly tabulated: readonly PopulationReport[];
}

/** Every algorithm × D × n × ρ scenario of the options, at the operating threshold. */
export function populationScenarios(summary: FprSummary, options: ResolvedReportOptions): PopulationScenario[] {
  const out: PopulationScenario[] = [];
  for (const [algo, a] of Object.entries(summary.algos)) {
    if (total(a) === 0) continue;
    const threshold = Math.min(options.thresholdOf(algo), a.nbits);
    for (const correlation of options.correlations)
      for (const dbSize of options.dbSizes)
        for (const photosPerYear of options.photoVolumes) {
          const at = (accountThreshold: number): PopulationReport =>
            populationReport(algo, a, a.dof, { threshold, dbSize, photosPerYear, accountThreshold, correlation });
          out.push({
            algo,
            dbSize,
            photosPerYear,
            correlation,
            byAccountThreshold: Array.from({ length: options.maxAccountThreshold }, (_, k) => at(k + 1)),
            tabulated: options.accountThresholds.map(at),
          });
        }
  }
  return out;
}

/** Probabilities at or above this are shown as "certain" (rows of them collapse into a note). */
const CERTAIN = 0.999;

/** An interval that spans (nearly) everything: the sample says nothing about this scenario. */
const uninformative = (e: Estimate): boolean => e.lower <= 1e-6 && e.upper >= 0.5;

/** A measured per-account probability: no bare "0" when the sample saw no false positive. */
function measuredCell(e: Estimate): Cell {
  const text = e.estimate === 0 ? `≤ ${formatSci(e.upper)} (none seen)` : formatEstimate(e);
  return { text, value: { ...e } };
}

function fprCell(r: PopulationReport): Cell {
  const c = r.fprClustered;
  if (!c) return { text: `${formatEstimate(r.fpr)} (raw pairs)`, value: { ...r.fpr } };
  const head = c.k === 0 ? `0/${c.n}, ≤ ${formatSci(c.upper)}` : formatEstimate(c);
  return { text: `${head} (n_eff ${Math.round(c.effectiveN)})`, value: { ...c } };
}

const bandText = (lo: number, hi: number): string => `[${formatLog10(lo, 1)}, ${formatLog10(hi, 1)}]`;
const bandCell = (lo: number, hi: number): Cell => ({
  text: bandText(lo, hi),
  value: { log10Lower: lo, log10Upper: hi },
});

/** What the sample can certify: zero false positives among n pairs only bound FPR near 3/n_eff. */
function resolutionSentence(summary: FprSummary, dbSizes: readonly number[]): string {
  const n = Math.max(...Object.values(summary.algos).map((a) => total(a)));
  const bound = 3 / n;
  const d = dbSizes[0]!;
  return (
    `With ${n} unrelated pairs, even zero false positives bound FPR only near 3/n = ${formatSci(bound)} (and pairs sharing images are worth fewer ` +
    `independent pairs); against D = ${formatCount(d)} hashes that bound still allows a per-photo false-match probability of ` +
    `${formatSci(perPhotoFalseMatch(bound, d))}. Smaller population-scale rates need more images, or rest on the tail models and their validation.`
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
  const ts = options.accountThresholds;
  const head = (models: boolean): { key: string; label: string; numeric?: boolean }[] => [
    { key: 'algo', label: 'Algorithm' },
    { key: 'tau', label: 'τ (bits)', numeric: true },
    { key: 'fpr', label: models ? 'FPR, band across tail models' : 'FPR per pair [95% CI]', numeric: true },
    { key: 'D', label: 'Database size D', numeric: true },
    { key: 'n', label: 'Photos a year n', numeric: true },
    { key: 'rho', label: 'Correlation ρ', numeric: true },
    ...(models ? [] : [{ key: 'perPhoto', label: 'Per-photo false match [95% CI]', numeric: true }]),
    ...ts.map((t) => ({ key: `t${t}`, label: `P(flag) per year, t = ${t}${models ? ' (band)' : ''}`, numeric: true })),
  ];
  const measuredRows: TableRow[] = [];
  const modelRows: TableRow[] = [];
  const measuredLeftOut = { nothing: [] as PopulationScenario[], certain: [] as PopulationScenario[] };
  const modelLeftOut = { certain: [] as PopulationScenario[] };
  for (const s of scenarios) {
    const first = s.tabulated[0] ?? s.byAccountThreshold[0]!;
    const scenario: Cell[] = [
      numberCell(s.dbSize, formatCount(s.dbSize)),
      numberCell(s.photosPerYear, formatCount(s.photosPerYear)),
      numberCell(s.correlation, String(s.correlation)),
    ];
    if (s.tabulated.every((r) => uninformative(r.perAccount))) measuredLeftOut.nothing.push(s);
    else if (s.tabulated.every((r) => r.perAccount.lower >= CERTAIN)) measuredLeftOut.certain.push(s);
    else
      measuredRows.push({
        runIds,
        cells: [
          textCell(s.algo),
          numberCell(first.threshold),
          fprCell(first),
          ...scenario,
          measuredCell(first.perPhoto),
          ...s.tabulated.map((r) => measuredCell(r.perAccount)),
        ],
      });
    const x = first.extrapolation;
    if (!x) continue;
    if (s.tabulated.every((r) => (r.extrapolation?.log10PerAccount[0] ?? -Infinity) >= Math.log10(CERTAIN))) {
      modelLeftOut.certain.push(s);
      continue;
    }
    const validated = x.validation.models.length > 0;
    modelRows.push({
      runIds,
      cells: [
        textCell(s.algo),
        numberCell(first.threshold),
        {
          text: `${bandText(x.fpr.log10Lower, x.fpr.log10Upper)}${validated ? '' : ' (not validated)'}`,
          value: { log10Lower: x.fpr.log10Lower, log10Upper: x.fpr.log10Upper },
        },
        ...scenario,
        ...s.tabulated.map((r) =>
          r.extrapolation
            ? bandCell(r.extrapolation.log10PerAccount[0], r.extrapolation.log10PerAccount[1])
            : emptyCell(),
        ),
      ],
    });
  }
  /** Scenarios left out of a table, per algorithm: "pdq (all 6 scenarios)" or the scenarios themselves. */
  const leftOut = (what: string, list: readonly PopulationScenario[]): string[] =>
    list.length === 0
      ? []
      : [
          `Left out because ${what}: ` +
            [...new Set(list.map((c) => c.algo))]
              .map((algo) => {
                const mine = list.filter((c) => c.algo === algo);
                const all = scenarios.filter((c) => c.algo === algo).length;
                return mine.length === all
                  ? `${algo} (all ${all} scenarios)`
                  : `${algo} (${mine.map((c) => `D = ${formatCount(c.dbSize)}, n = ${formatCount(c.photosPerYear)}, ρ = ${c.correlation}`).join('; ')})`;
              })
              .join(', ') +
            '.',
        ];
  const validationRows: TableRow[] = [];
  const seen = new Set<string>();
  for (const s of scenarios) {
    if (seen.has(s.algo)) continue;
    seen.add(s.algo);
    const v = s.byAccountThreshold[0]?.extrapolation?.validation;
    if (!v) continue;
    if (v.models.length === 0) {
      validationRows.push({
        runIds,
        cells: [
          textCell(s.algo),
          v.cut === null ? emptyCell() : numberCell(v.cut),
          textCell('all'),
          emptyCell(v.reason ?? '—'),
          emptyCell(),
          emptyCell(),
          emptyCell(),
        ],
      });
      continue;
    }
    for (const m of v.models)
      validationRows.push({
        runIds,
        cells: [
          textCell(s.algo),
          numberCell(v.cut!),
          textCell(m.model),
          numberCell(m.points.length),
          numberCell(m.meanAbsLog10Error, formatFixed(m.meanAbsLog10Error, 2)),
          numberCell(m.meanLog10Error, formatFixed(m.meanLog10Error, 2)),
          numberCell(m.maxAbsLog10Error, formatFixed(m.maxAbsLog10Error, 2)),
        ],
      });
  }
  const algos = [...new Set(scenarios.map((s) => s.algo))];
  const rho0 = options.correlations[0] ?? 0;
  const anyCorrelation = options.correlations.some((r) => r > 0);
  const clustered = scenarios.some((s) => s.byAccountThreshold[0]?.fprClustered);
  const measuredNotes = [
    ...leftOut(
      'the measured interval spans nearly [0, 1] at every t (the sample says nothing there; see the model band)',
      measuredLeftOut.nothing,
    ),
    ...leftOut(
      `every tabulated t is flagged with probability ≥ ${CERTAIN} even at the interval's lower end`,
      measuredLeftOut.certain,
    ),
  ];
  const measuredBlock: Block =
    measuredRows.length > 0
      ? {
          kind: 'table',
          id: `${id}-measured`,
          caption: 'Per-photo and per-account false-flag probabilities from the measured FPR, with 95% intervals',
          runIds,
          columns: head(false),
          rows: measuredRows,
          notes: measuredNotes,
        }
      : {
          kind: 'text',
          paragraphs: ['No scenario has a measured per-account probability worth a table row.', ...measuredNotes],
        };
  const blocks: Block[] = [
    {
      kind: 'text',
      paragraphs: [
        `From the unrelated-pair histograms of FPR run ${input.run.id}, at each algorithm's operating threshold: the probability that one photo falsely ` +
          `matches a database of D hashes, p = 1 − (1 − FPR)^D, and the probability that an account sending n photos a year reaches the account ` +
          `threshold t of false matches: P[Binomial(n, p) ≥ t] for independent photos (ρ = 0), or the beta-binomial tail with intra-account correlation ρ. ` +
          (clustered
            ? `The FPR interval is the cluster one (${CLUSTER_METHOD}); n_eff is the number of independent pairs the sample is worth. `
            : `The run kept no per-image histograms, so the FPR interval is ${INDEPENDENT_PAIRS_LABEL}, too narrow. `) +
          `The interval is carried through both maps (they increase with FPR).`,
        `Below the sample's resolution, FPR comes from tail models, each fitted without the lowest thresholds the sample resolves and scored on them ` +
          `(validation table): every extrapolated value is a band from the lowest to the highest model, each widened by its largest out-of-sample ` +
          `error in decades. The band is as wide as the models disagree; a single number would hide that.`,
        resolutionSentence(summary, options.dbSizes),
      ],
    },
    {
      kind: 'list',
      title: 'Assumptions',
      items: [
        INDEPENDENCE_ASSUMPTION,
        ...(anyCorrelation ? [CORRELATION_ASSUMPTION] : []),
        ...Object.entries(TAIL_MODEL_ASSUMPTIONS).map(([k, v]) => `${k}: ${v}`),
      ],
    },
    ...options.photoVolumes.map((n) => {
      const points: AccountFlagPoint[] = scenarios
        .filter((s) => s.photosPerYear === n && s.correlation === rho0)
        .flatMap((s) =>
          s.byAccountThreshold.map((r) => ({
            algo: s.algo,
            operatingThreshold: r.threshold,
            dbSize: s.dbSize,
            accountThreshold: r.accountThreshold,
            measured: r.perAccount,
            model: r.extrapolation ? r.extrapolation.log10PerAccount : null,
          })),
        );
      return accountFlagChart(`${id}-accounts-n${n}`, runIds, n, algos, options.dbSizes, points);
    }),
    measuredBlock,
  ];
  if (modelRows.length || modelLeftOut.certain.length) {
    blocks.push(
      {
        kind: 'table',
        id: `${id}-models`,
        caption:
          'The same probabilities from the tail models: band across models, each widened by its validation error',
        runIds,
        columns: head(true),
        rows: modelRows,
        notes: leftOut(`every model gives a probability ≥ ${CERTAIN} at every tabulated t`, modelLeftOut.certain),
      },
      {
        kind: 'table',
        id: `${id}-validation`,
        caption:
          'Out-of-sample validation of the tail models: fitted on distances at or above the cut, scored on the measured FPR at the held-out thresholds below it (log10 of predicted/measured)',
        runIds,
        columns: [
          { key: 'algo', label: 'Algorithm' },
          { key: 'cut', label: 'Cut (bits)', numeric: true },
          { key: 'model', label: 'Model' },
          { key: 'points', label: 'Held-out thresholds', numeric: true },
          { key: 'meanAbs', label: 'Mean absolute error (decades)', numeric: true },
          { key: 'mean', label: 'Mean error (− under)', numeric: true },
          { key: 'maxAbs', label: 'Max absolute error (decades)', numeric: true },
        ],
        rows: validationRows,
      },
    );
  }
  // The headline scenario: the first database size, photo volume and correlation, at the largest tabulated t.
  const headline = scenarios.filter(
    (s) => s.dbSize === options.dbSizes[0] && s.photosPerYear === options.photoVolumes[0] && s.correlation === rho0,
  );
  const t = ts[ts.length - 1] ?? 1;
  const scenarioText = (s: PopulationScenario): string =>
    `P(account flagged per year) at D = ${formatCount(s.dbSize)}, n = ${formatCount(s.photosPerYear)}, t = ${t}${rho0 > 0 ? `, ρ = ${rho0}` : ''}`;
  const suffix = several ? ` (run ${input.run.id})` : '';
  const keyNumbers: KeyNumber[] = headline.flatMap((s) => {
    const r = s.tabulated[s.tabulated.length - 1]!;
    const measured: KeyNumber = {
      label: `${scenarioText(s)} (measured)${suffix}`,
      subject: s.algo,
      cell: measuredCell(r.perAccount),
      runIds,
    };
    const x = r.extrapolation;
    const model: KeyNumber[] = x
      ? [
          {
            label: `${scenarioText(s)} (band across tail models)${suffix}`,
            subject: s.algo,
            cell: bandCell(x.log10PerAccount[0], x.log10PerAccount[1]),
            runIds,
          },
        ]
      : [];
    return [measured, ...model];
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
